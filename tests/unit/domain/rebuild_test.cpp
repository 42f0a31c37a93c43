// Rebuilding the read model from the log gives the state that was folded live, and stops at a
// sequence number or a time when asked.
#include "domain/rebuild.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace kaso::domain {
namespace {

const std::string key_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFPX3xxdDp3iyX3SFEplJ3q2IpdCKZ9CG+TI9Ypk8jD me@host";

TEST(rebuild, folding_the_log_reproduces_the_live_state_and_points_in_time) {
  char tmpl[] = "/tmp/kaso-rebuild-XXXXXX";
  std::filesystem::path dir = mkdtemp(tmpl);
  {
    auto store = events::event_store::open(dir / "events", events::event_store::mode::read_write).value();
    state live;
    auto run = [&](auto cmd) {
      auto decided = decide(live.identities, cmd);
      ASSERT_TRUE(decided.ok()) << decided.error().to_string();
      auto stored = store->append(decided.value()).value();
      for (auto& e : stored) evolve(live, e);
    };
    for (int i = 0; i < 20; ++i) {
      create_identity c;
      c.fields.name = "user" + std::to_string(i);
      c.fields.public_key = key_line;
      run(c);
    }
    state at_ten = live;
    at_ten = rebuild(*store, {.up_to_seq = 10}).value();
    EXPECT_EQ(at_ten.identities.by_id.size(), 10u);
    EXPECT_EQ(at_ten.last_seq, 10u);
    modify_identity m{"user3", {}};
    m.changes.gecos = "Three";
    run(m);
    run(remove_identity{"user4"});
    auto rebuilt = rebuild(*store);
    ASSERT_TRUE(rebuilt.ok());
    EXPECT_EQ(rebuilt.value(), live);
    EXPECT_EQ(to_json(rebuilt.value()), to_json(live));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kaso::domain
