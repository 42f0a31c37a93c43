// Names become paths, qemu arguments, hostnames and user names: hostile ones are refused.
#include "domain/names.hpp"

#include <gtest/gtest.h>

namespace kaso::domain {
namespace {

TEST(names, accepts_the_safe_alphabet) {
  for (const std::string& n : {std::string("a"), std::string("0"), std::string("web-1"),
                               std::string("db_2.internal"), std::string(63, 'x')}) {
    EXPECT_TRUE(validate_name("identity", n).ok()) << n;
  }
}

TEST(names, refuses_hostile_names_with_a_clear_message) {
  using namespace std::string_literals;
  for (auto n : {""s, "../x"s, "a/b"s, std::string(64, 'x'), "a\0b"s, "a\nb"s, "-rf"s, ".hidden"s,
                 "Upper"s, "a b"s, "a,b"s, "a=b"s, "\xd0\xb0"s /* cyrillic a */, "x\xe2\x80\x8b"s}) {
    auto s = validate_name("identity", n);
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_EQ(s.error().code(), errc::invalid_argument);
    EXPECT_NE(s.error().message().find("identity name"), std::string::npos);
    EXPECT_EQ(s.error().message().find('\n'), std::string::npos) << "one readable line";
  }
}

}  // namespace
}  // namespace kaso::domain
