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

// Issue #15: C1 controls and bidirectional overrides are control characters too.
TEST(names, issue_15_c1_and_bidi_controls_are_control_characters) {
  for (std::string_view bad : {"a\x01", "a\x7f", "a\xc2\x85" "b", "a\xc2\x9b", "x\xe2\x80\xae" "y", "x\xe2\x80\x8f",
                               "x\xe2\x81\xa6" "y", "x\xe2\x81\xa9"}) {
    EXPECT_TRUE(has_control_characters(bad)) << testing::PrintToString(std::string(bad));
  }
  for (std::string_view fine : {"Ada Lovelace", "caf\xc3\xa9", "\xc2\xa0" "nbsp", "dash \xe2\x80\x94 here", "\xe2\x82\xac" "5"}) {
    EXPECT_FALSE(has_control_characters(fine)) << testing::PrintToString(std::string(fine));
  }
}

}  // namespace
}  // namespace kaso::domain
