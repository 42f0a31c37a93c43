// split_arguments: where the global options end and GROUP VERB begins.
#include "cli/command_line.hpp"

#include <gtest/gtest.h>

namespace kaso::cli {
namespace {

using strings = std::vector<std::string>;

TEST(split_arguments, global_options_with_values_then_group_and_rest) {
  auto s =
      split_arguments({"-c", "f.json", "--server", "unix:/s", "identity", "list", "-o", "json"});
  EXPECT_EQ(s.head, (strings{"-c", "f.json", "--server", "unix:/s"}));
  EXPECT_EQ(s.group, "identity");
  EXPECT_EQ(s.rest, (strings{"list", "-o", "json"}));
}

TEST(split_arguments, attached_values_do_not_take_the_next_word) {
  auto s = split_arguments({"--config=f.json", "-cother", "identity", "get", "x"});
  EXPECT_EQ(s.head, (strings{"--config=f.json", "-cother"}));
  EXPECT_EQ(s.group, "identity");
  EXPECT_EQ(s.rest, (strings{"get", "x"}));
}

TEST(split_arguments, flags_only) {
  auto s = split_arguments({"-h"});
  EXPECT_EQ(s.head, (strings{"-h"}));
  EXPECT_FALSE(s.group);
  EXPECT_TRUE(s.rest.empty());
}

TEST(split_arguments, empty) {
  auto s = split_arguments({});
  EXPECT_TRUE(s.head.empty());
  EXPECT_FALSE(s.group);
}

TEST(split_arguments, double_dash_ends_the_global_options) {
  auto s = split_arguments({"--", "-weird", "list"});
  EXPECT_TRUE(s.head.empty());
  EXPECT_EQ(s.group, "-weird");
  EXPECT_EQ(s.rest, (strings{"list"}));
}

TEST(split_arguments, options_after_the_group_belong_to_the_verb) {
  auto s = split_arguments({"identity", "-c", "x", "--server", "y"});
  EXPECT_TRUE(s.head.empty());
  EXPECT_EQ(s.group, "identity");
  EXPECT_EQ(s.rest, (strings{"-c", "x", "--server", "y"}));
}

TEST(split_arguments, a_value_option_at_the_end_keeps_no_group) {
  auto s = split_arguments({"--server"});
  EXPECT_EQ(s.head, (strings{"--server"}));
  EXPECT_FALSE(s.group);
}

TEST(split_arguments, a_group_looking_like_a_value_is_taken_as_the_value) {
  // "--server identity list": identity is the server address, list the group (and then rejected).
  auto s = split_arguments({"--server", "identity", "list"});
  EXPECT_EQ(s.head, (strings{"--server", "identity"}));
  EXPECT_EQ(s.group, "list");
}

}  // namespace
}  // namespace kaso::cli
