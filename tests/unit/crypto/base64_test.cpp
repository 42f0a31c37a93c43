// base64: RFC 4648 vectors, round trips, and the strictness the SSH key parser relies on.
#include "crypto/base64.hpp"

#include <gtest/gtest.h>

namespace kaso::crypto {
namespace {

struct vector {
  std::string_view plain;
  std::string_view padded;
  std::string_view unpadded;
};

constexpr vector rfc4648_vectors[] = {
    {"", "", ""},           {"f", "Zg==", "Zg"},         {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"}, {"foob", "Zm9vYg==", "Zm9vYg"}, {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

TEST(base64, encodes_rfc4648_vectors_with_and_without_padding) {
  for (const vector& v : rfc4648_vectors) {
    EXPECT_EQ(base64_encode(v.plain), v.padded);
    EXPECT_EQ(base64_encode(v.plain, base64_padding::without), v.unpadded);
  }
}

TEST(base64, decodes_rfc4648_vectors) {
  for (const vector& v : rfc4648_vectors) {
    const result<std::string> decoded = base64_decode(v.padded);
    ASSERT_TRUE(decoded.ok()) << v.padded;
    EXPECT_EQ(*decoded, v.plain);
  }
}

TEST(base64, round_trips_every_byte_value) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t size = 0; size <= all.size(); size += 37) {
    const std::string bytes = all.substr(0, size);
    const result<std::string> decoded = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(base64, rejects_malformed_text) {
  for (const std::string_view bad : {"Zg=", "Zg", "Zg=a", "====", "Zm9v===", "Zm9v\n", "Zm 9v",
                                     "Zm9-", "Zm9_", "Zh==", "Zm9=" /* non-canonical */}) {
    const result<std::string> decoded = base64_decode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.error().code(), errc::invalid_argument);
  }
}

}  // namespace
}  // namespace kaso::crypto
