#include "util/byte_size.hpp"

#include <charconv>
#include <limits>

namespace kaso {

result<std::uint64_t> parse_byte_size(std::string_view text) {
  auto bad = [&] { return error::invalid_argument("'" + std::string(text) + "' is not a size such as 5G, 512M or 1073741824"); };
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data()) return bad();
  std::string_view unit(end, text.data() + text.size() - end);
  if (unit.size() == 2 && (unit[1] == 'B' || unit[1] == 'b')) unit.remove_suffix(1);
  unsigned shift = 0;
  if (unit.empty()) shift = 0;
  else if (unit.size() != 1) return bad();
  else {
    switch (unit[0]) {
      case 'K': case 'k': shift = 10; break;
      case 'M': case 'm': shift = 20; break;
      case 'G': case 'g': shift = 30; break;
      case 'T': case 't': shift = 40; break;
      default: return bad();
    }
  }
  if (shift != 0 && n > (std::numeric_limits<std::uint64_t>::max() >> shift)) return bad();
  return n << shift;
}

}  // namespace kaso
