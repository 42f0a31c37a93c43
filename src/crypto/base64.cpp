// Base64 by hand rather than EVP_EncodeBlock/EVP_DecodeBlock: OpenSSL's decoder skips whitespace,
// keeps padding bytes in its output length and accepts non-canonical encodings, and a key parser
// wants none of that.
#include "crypto/base64.hpp"

#include <array>
#include <cstdint>

namespace kaso::crypto {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr int invalid = -1;

constexpr std::array<int, 256> make_reverse_table() {
  std::array<int, 256> table{};
  table.fill(invalid);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  }
  return table;
}

constexpr std::array<int, 256> reverse_table = make_reverse_table();

}  // namespace

std::string base64_encode(std::string_view bytes, base64_padding padding) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                                static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                                static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[group >> 18 & 63];
    out += alphabet[group >> 12 & 63];
    out += alphabet[group >> 6 & 63];
    out += alphabet[group & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
  if (rest == 2) group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
  out += alphabet[group >> 18 & 63];
  out += alphabet[group >> 12 & 63];
  if (rest == 2) out += alphabet[group >> 6 & 63];
  if (padding == base64_padding::with) out.append(3 - rest, '=');
  return out;
}

result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return error::invalid_argument("invalid base64: length is not a multiple of 4");
  }
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  const std::string_view body = text.substr(0, text.size() - pad);

  std::string out;
  out.reserve(body.size() * 3 / 4);
  std::uint32_t accumulator = 0;
  int bits = 0;
  for (const char c : body) {
    const int value = reverse_table[static_cast<unsigned char>(c)];
    if (value == invalid) {
      return error::invalid_argument("invalid base64: unexpected character");
    }
    accumulator = accumulator << 6 | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(accumulator >> bits & 0xff);
    }
  }
  // Left-over bits must be zero, or two texts would decode to the same bytes.
  if (bits > 0 && (accumulator & ((1u << bits) - 1)) != 0) {
    return error::invalid_argument("invalid base64: non-canonical encoding");
  }
  return out;
}

}  // namespace kaso::crypto
