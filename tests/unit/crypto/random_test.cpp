// random_token and constant_time_equal.
#include "crypto/random.hpp"

#include <set>

#include <gtest/gtest.h>

namespace kaso::crypto {
namespace {

TEST(random_token, is_two_lowercase_hex_digits_per_byte) {
  for (const std::size_t bytes : {1u, 16u, 32u, 1000u}) {
    const std::string token = random_token(bytes);
    EXPECT_EQ(token.size(), 2 * bytes);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
  }
}

TEST(random_token, zero_bytes_is_empty) { EXPECT_EQ(random_token(0), ""); }

TEST(random_token, tokens_differ) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random_token(16));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(random_token, uses_every_hex_digit) {
  const std::string token = random_token(4096);
  for (const char digit : std::string_view("0123456789abcdef")) {
    EXPECT_NE(token.find(digit), std::string::npos) << digit;
  }
}

TEST(constant_time_equal, equal_strings) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret-token", "secret-token"));
  const std::string with_nul("a\0b", 3);
  EXPECT_TRUE(constant_time_equal(with_nul, std::string("a\0b", 3)));
}

TEST(constant_time_equal, different_contents) {
  EXPECT_FALSE(constant_time_equal("secret-token", "secret-tokeN"));
  EXPECT_FALSE(constant_time_equal("Xecret-token", "secret-token"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(constant_time_equal, different_lengths) {
  EXPECT_FALSE(constant_time_equal("secret", "secret-token"));
  EXPECT_FALSE(constant_time_equal("secret-token", "secret"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0", 2), "a"));
}

}  // namespace
}  // namespace kaso::crypto
