// Counts and sizes; sizes through kaso::parse_byte_size, which the server reads its own default
// disk size with, so that both read "5G" alike.
#include "cli/instance/option_values.hpp"

#include <charconv>

#include "util/byte_size.hpp"

namespace kaso::cli::instance {

result<std::uint64_t> parse_count(const std::string& option, const std::string& text,
                                  std::uint64_t min, std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, value);  // takes no sign: "-1" stops
  const char* kind = min > 0 ? "a positive integer" : "a non-negative integer";
  if (text.empty() || ec != std::errc() || stop != end || value < min) {
    return error::invalid_argument(option + " must be " + kind + ", got '" + text + "'");
  }
  if (value > max) {
    return error::invalid_argument(option + " must be at most " + std::to_string(max) +
                                   ", got '" + text + "'");
  }
  return value;
}

result<std::uint64_t> parse_size(const std::string& option, const std::string& text) {
  auto bytes = parse_byte_size(text);
  if (!bytes) {
    return error::invalid_argument(option + " must be a size like 5G, 512M or 1T, or a number of "
                                   "bytes, got '" + text + "'");
  }
  if (*bytes == 0) {
    return error::invalid_argument(option + " must be more than 0, got '" + text + "'");
  }
  return bytes;
}

}  // namespace kaso::cli::instance
