// The host projection (issue #14): the accelerator choice is recorded when it changes, and only
// then; a malformed record changes nothing.
#include "domain/host.hpp"

#include <gtest/gtest.h>

#include "domain/state.hpp"

namespace kaso::domain {
namespace {

events::event stored(events::event e, std::int64_t time_us) {
  e.time_us = time_us;
  return e;
}

TEST(host, the_first_choice_is_recorded_and_the_same_one_is_not_again) {
  host h;
  auto first = accelerator_events(h, "tcg", "KVM aborted qemu", "auto");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].kind, "host");
  EXPECT_EQ(first[0].id, "local");
  EXPECT_EQ(first[0].type, "host.accelerator_chosen");
  EXPECT_EQ(first[0].version, 1u);
  EXPECT_EQ(first[0].payload,
            (nlohmann::json{{"accelerator", "tcg"}, {"reason", "KVM aborted qemu"}, {"configured", "auto"}, {"previous", nullptr}}));
  evolve(h, stored(first[0], 42));
  EXPECT_EQ(h, (host{"tcg", "KVM aborted qemu", 1, 42}));

  EXPECT_TRUE(accelerator_events(h, "tcg", "another reason, same choice", "tcg").empty());

  auto changed = accelerator_events(h, "kvm", "a probe machine ran under KVM", "auto");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].version, 2u);
  EXPECT_EQ(changed[0].payload["previous"], "tcg");
  evolve(h, stored(changed[0], 43));
  EXPECT_EQ(h.accelerator, "kvm");
  EXPECT_EQ(h.version, 2u);
}

TEST(host, a_malformed_record_changes_nothing) {
  host h{"kvm", "ran", 3, 7};
  const host before = h;
  events::event e;
  e.kind = "host";
  e.id = "local";
  e.type = "host.accelerator_chosen";
  for (auto payload : {nlohmann::json(nullptr), nlohmann::json::array(), nlohmann::json{{"accelerator", 5}},
                       nlohmann::json{{"reason", "no accelerator"}}}) {
    e.payload = payload;
    evolve(h, e);
    EXPECT_EQ(h, before) << payload.dump();
  }
}

TEST(host, the_whole_state_folds_host_events) {
  state s;
  auto e = accelerator_events(s.host, "tcg", "why", "auto").front();
  e.seq = 9;
  evolve(s, e);
  EXPECT_EQ(s.host.accelerator, "tcg");
  EXPECT_EQ(s.last_seq, 9u);
  EXPECT_EQ(to_json(s)["host"]["accelerator_reason"], "why");
}

}  // namespace
}  // namespace kaso::domain
