#include "domain/names.hpp"

#include <string>

namespace kaso::domain {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 80)) {
    if (c < 0x20 || c >= 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

bool has_control_characters(std::string_view text) {
  for (std::size_t k = 0; k < text.size(); ++k) {
    const auto c = static_cast<unsigned char>(text[k]);
    if (c < 0x20 || c == 0x7f) return true;
    const auto next = [&](std::size_t n) { return k + n < text.size() ? static_cast<unsigned char>(text[k + n]) : 0; };
    // C1 controls, U+0080..U+009F: C2 80..C2 9F in UTF-8 (issue #15).
    if (c == 0xc2 && next(1) >= 0x80 && next(1) <= 0x9f) return true;
    // Bidirectional controls that reorder what a terminal shows: U+200E, U+200F, U+202A..U+202E
    // (E2 80 8E/8F/AA..AE) and U+2066..U+2069 (E2 81 A6..A9).
    if (c == 0xe2 && next(1) == 0x80 && (next(2) == 0x8e || next(2) == 0x8f || (next(2) >= 0xaa && next(2) <= 0xae))) {
      return true;
    }
    if (c == 0xe2 && next(1) == 0x81 && next(2) >= 0xa6 && next(2) <= 0xa9) return true;
  }
  return false;
}

status validate_name(std::string_view what, std::string_view name) {
  std::string prefix = std::string(what) + " name '" + printable(name) + "' ";
  if (name.empty()) return error::invalid_argument(std::string(what) + " name must not be empty");
  if (name.size() > 63) return error::invalid_argument(prefix + "is longer than 63 characters");
  if (!lower_alnum(name.front())) {
    return error::invalid_argument(prefix + "must start with a lowercase letter or a digit");
  }
  for (char c : name) {
    if (!lower_alnum(c) && c != '_' && c != '.' && c != '-') {
      return error::invalid_argument(prefix + "may only contain a-z, 0-9, '_', '.' and '-'");
    }
  }
  return ok_status();
}

std::vector<std::string> instance_names_of(const std::set<std::uint64_t>& ids,
                                           const std::map<std::uint64_t, std::string>& names) {
  std::vector<std::string> out;
  for (auto id : ids) {
    auto name = names.find(id);
    out.push_back(name != names.end() ? name->second : std::to_string(id));
  }
  return out;
}

std::string joined_instance_names(const std::set<std::uint64_t>& ids, const std::map<std::uint64_t, std::string>& names) {
  std::string out;
  for (const auto& name : instance_names_of(ids, names)) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace kaso::domain
