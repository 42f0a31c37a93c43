// Percent-encoding of path segments and query strings.
#include "cli/url.hpp"

#include <gtest/gtest.h>

namespace kaso::cli {
namespace {

TEST(percent_encode, keeps_unreserved_and_encodes_the_rest) {
  EXPECT_EQ(percent_encode("mrmat-1.2_x~"), "mrmat-1.2_x~");
  EXPECT_EQ(percent_encode("a b/c?d#e%f+g"), "a%20b%2Fc%3Fd%23e%25f%2Bg");
  EXPECT_EQ(percent_encode("é"), "%C3%A9");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(query_string, pairs_in_order) {
  EXPECT_EQ(query_string({}), "");
  EXPECT_EQ(query_string({{"since", "3"}, {"kind", "identity"}, {"id", "a b"}}),
            "?since=3&kind=identity&id=a%20b");
}

}  // namespace
}  // namespace kaso::cli
