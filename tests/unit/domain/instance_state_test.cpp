// Issue #18: an instance's state has one word, written by the API's view and read back by its
// clients through the same table; no other word names a state.
#include "domain/instance_state.hpp"

#include <gtest/gtest.h>

#include "domain/instance.hpp"

namespace kaso::domain {
namespace {

TEST(instance_state, issue_18_every_state_reads_back_from_its_word) {
  for (const auto& [state, word] : instance_state_words) {
    EXPECT_EQ(to_string(state), word);
    EXPECT_EQ(parse_instance_state(word), state) << word;
  }
  EXPECT_EQ(parse_instance_state("Running"), std::nullopt);
  EXPECT_EQ(parse_instance_state(""), std::nullopt);
  EXPECT_EQ(parse_instance_state("paused"), std::nullopt);
  static_assert(parse_instance_state("restarting") == instance_state::restarting);
  static_assert(on_its_way(instance_state::restarting) && !on_its_way(instance_state::stopping));
}

}  // namespace
}  // namespace kaso::domain
