// to_safe_json: see json_text.hpp.
#include "bootstrap/json_text.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace kaso::bootstrap {
namespace {

// The code unit of a "\uXXXX" escape at text[at], if there is one.
std::optional<unsigned> escaped_unit(std::string_view text, std::size_t at) {
  if (text.size() < at + 6 || text[at] != '\\' || text[at + 1] != 'u') return std::nullopt;
  unsigned unit = 0;
  for (char c : text.substr(at + 2, 4)) {
    unit <<= 4;
    if (c >= '0' && c <= '9') unit |= static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') unit |= static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') unit |= static_cast<unsigned>(c - 'A' + 10);
    else return std::nullopt;
  }
  return unit;
}

// The code point of a surrogate-pair escape ("\ud83d\ude00") at text[at], if there is one.
std::optional<char32_t> escaped_pair(std::string_view text, std::size_t at) {
  auto high = escaped_unit(text, at);
  if (!high || *high < 0xD800 || *high > 0xDBFF) return std::nullopt;
  auto low = escaped_unit(text, at + 6);
  if (!low || *low < 0xDC00 || *low > 0xDFFF) return std::nullopt;
  return 0x10000 + ((*high - 0xD800) << 10) + (*low - 0xDC00);
}

// REQUIRES: 0x10000 <= point <= 0x10FFFF (what a surrogate pair encodes).
void append_utf8(std::string& out, char32_t point) {
  out += static_cast<char>(0xF0 | (point >> 18));
  out += static_cast<char>(0x80 | ((point >> 12) & 0x3F));
  out += static_cast<char>(0x80 | ((point >> 6) & 0x3F));
  out += static_cast<char>(0x80 | (point & 0x3F));
}

}  // namespace

std::string to_safe_json(const nlohmann::ordered_json& document) {
  const std::string text =
      document.dump(2, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
  // Outside strings there is no backslash; inside, every backslash starts an escape, so walking
  // escape by escape never mistakes an escaped backslash followed by "ud83d" for an escape.
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '\\') {
      out += text[i++];
    } else if (auto point = escaped_pair(text, i)) {
      append_utf8(out, *point);
      i += 12;
    } else {
      out.append(text, i, 2);  // "\\" "\"" "\n" or the start of a "\uXXXX" copied on
      i += 2;
    }
  }
  return out;
}

}  // namespace kaso::bootstrap
