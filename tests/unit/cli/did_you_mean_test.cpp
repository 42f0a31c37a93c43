// Issue #16: the word meant, when a typo is near one, and none when nothing is near.
#include "cli/did_you_mean.hpp"

#include <gtest/gtest.h>

namespace kaso::cli {
namespace {

const std::vector<std::string> verbs = {"list", "get", "create", "modify", "remove", "start", "stop", "restart"};

TEST(did_you_mean, issue_16_a_near_typo_names_the_word_meant) {
  EXPECT_EQ(nearest("lsit", verbs), "list") << "two letters swapped: one edit";
  EXPECT_EQ(nearest("creat", verbs), "create");
  EXPECT_EQ(nearest("restrat", verbs), "restart");
  EXPECT_EQ(nearest("stpo", verbs), "stop");
  EXPECT_EQ(did_you_mean("remvoe", verbs), " (did you mean 'remove'?)");
}

TEST(did_you_mean, issue_16_nothing_is_suggested_when_nothing_is_near) {
  EXPECT_EQ(nearest("list", verbs), "") << "a known word is no typo";
  EXPECT_EQ(nearest("frobnicate", verbs), "");
  EXPECT_EQ(nearest("gt", verbs), "") << "too short to guess";
  EXPECT_EQ(nearest("-z", {"-h", "-o"}), "");
  EXPECT_EQ(nearest("", verbs), "");
  EXPECT_EQ(nearest(std::string(10000, 'x'), verbs), "") << "bounded work";
  EXPECT_EQ(did_you_mean("zzzz", verbs), "");
}

TEST(did_you_mean, issue_16_option_errors_name_the_option_as_typed_in_straight_quotes) {
  cxxopts::Options options("kaso instance list", "");
  options.add_options()("o,output", "Output", cxxopts::value<std::string>())("h,help", "Help");
  const auto known = option_words(options);
  EXPECT_EQ(known, (std::vector<std::string>{"--output", "-o", "--help", "-h"}));
  EXPECT_EQ(option_error_text(cxxopts::exceptions::no_such_option("outptu"), known),
            "option '--outptu' does not exist (did you mean '--output'?)");
  EXPECT_EQ(option_error_text(cxxopts::exceptions::missing_argument("o"), known),
            "option '-o' is missing an argument");
}

}  // namespace
}  // namespace kaso::cli
