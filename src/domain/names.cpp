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
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
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

}  // namespace kaso::domain
