// Checkpoints through the real kaso-server and kaso-replay (issue #5): after a clean stop the log
// holds a checkpoint at its last event, equal to a full fold; a restart starts from it and serves
// what `kaso-replay state` folds; `kaso-replay check` reports a checkpoint that differs from the
// log; a damaged one is logged and ignored at start (a full fold), and replaced at the next stop.
#include <sstream>

#include <gtest/gtest.h>

#include "domain/rebuild.hpp"
#include "domain/snapshot.hpp"
#include "instance_fixture.hpp"

namespace kaso::testing {
namespace {

std::filesystem::path events_of(const server_harness& s) { return s.state_path() / "events"; }

platform::process_output replay(const std::vector<std::string>& args) {
  std::vector<std::string> argv{KASO_REPLAY_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

nlohmann::json replay_state(const server_harness& s, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"state", "--log", events_of(s).string()};
  args.insert(args.end(), extra.begin(), extra.end());
  auto out = replay(args);
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  return nlohmann::json::parse(out.stdout_text, nullptr, false);
}

// The stored checkpoint at the end of the log: its seq, and whether it equals a full fold.
struct stored_checkpoint {
  std::uint64_t seq = 0, last_seq = 0;
  bool faithful = false;
};

stored_checkpoint latest_checkpoint(const server_harness& s) {
  auto store = events::event_store::open(events_of(s), events::event_store::mode::read_only);
  EXPECT_TRUE(store.ok()) << store.error().to_string();
  if (!store.ok()) return {};
  stored_checkpoint out{0, (*store)->last_seq(), false};
  auto stored = (*store)->latest_checkpoint().value();
  if (!stored) return out;
  out.seq = stored->seq;
  auto c = domain::decode_checkpoint(stored->bytes);
  EXPECT_TRUE(c.ok()) << c.error().to_string();
  auto full = domain::rebuild(**store, {.up_to_seq = stored->seq, .use_checkpoint = false});
  out.faithful = c.ok() && full.ok() && c->folded == full.value();
  return out;
}

void overwrite_checkpoint(const server_harness& s, const std::function<std::string(const domain::rebuilt&)>& bytes) {
  auto store = events::event_store::open(events_of(s), events::event_store::mode::read_write).value();
  auto full = domain::rebuild_detailed(*store, {.use_checkpoint = false}).value();
  ASSERT_TRUE(store->write_checkpoint(full.seq, bytes(full)).ok());
}

TEST(checkpoints_it, a_restart_starts_from_the_checkpoint_written_at_stop_and_serves_the_replayed_state) {
  fixture f;
  auto& s = f.s;
  ASSERT_EQ(s.kaso({"identity", "create", "-n", "bob", "--password", "p"}).exit_code, 0);
  ASSERT_EQ(s.kaso({"identity", "modify", "bob", "--gecos", "Bob"}).exit_code, 0);
  ASSERT_EQ(s.kaso({"identity", "create", "-n", "carol", "--password", "p"}).exit_code, 0);
  ASSERT_EQ(s.kaso({"identity", "remove", "carol"}).exit_code, 0);
  auto lab = s.kaso({"network", "create", "-n", "lab", "--kind", "host-only", "--cidr", "10.9.0.0/24",
                     "--dhcp-start", "10.9.0.10", "--dhcp-end", "10.9.0.200"});
  ASSERT_EQ(lab.exit_code, 0) << lab.stderr_text;
  f.create("vm1");
  f.create("vm2");
  ASSERT_EQ(call(s, "DELETE", "/api/v1/instances/vm2").status, 200);
  ASSERT_EQ(s.stop(), 0) << s.log();

  auto stopped = latest_checkpoint(s);
  EXPECT_GT(stopped.last_seq, 10u);
  EXPECT_EQ(stopped.seq, stopped.last_seq) << "a checkpoint at the last event";
  EXPECT_TRUE(stopped.faithful);

  s.start();
  EXPECT_NE(s.log().find("folded 0 events after the checkpoint at " + std::to_string(stopped.seq)), std::string::npos)
      << s.log();
  auto replayed = replay_state(s);  // beside the running server
  EXPECT_EQ(replayed, replay_state(s, {"--no-checkpoint"}));
  for (const std::string what : {"identities", "images", "tasks", "networks", "instances"}) {
    EXPECT_EQ(replayed[what], s.get_json("/api/v1/" + what)) << what;
  }
  EXPECT_EQ(replayed["instances"].size(), 1u);
  auto check = replay({"check", "--log", events_of(s).string()});
  EXPECT_EQ(check.exit_code, 0) << check.stdout_text;
  EXPECT_NE(check.stdout_text.find("checkpoint " + std::to_string(stopped.seq) + ": matches a full fold"),
            std::string::npos)
      << check.stdout_text;
}

TEST(checkpoints_it, a_wrong_checkpoint_is_reported_and_a_damaged_one_ignored) {
  server_harness s;
  s.start();
  for (const char* name : {"u1", "u2", "u3"}) {
    ASSERT_EQ(s.kaso({"identity", "create", "-n", name, "--password", "p"}).exit_code, 0);
  }
  ASSERT_EQ(s.stop(), 0);
  const auto last = latest_checkpoint(s).last_seq;

  overwrite_checkpoint(s, [](const domain::rebuilt& full) {
    auto wrong = full.state;
    wrong.identities.by_id[99].name = "ghost";
    return domain::encode_checkpoint({full.seq, full.max_time_us, wrong});
  });
  auto check = replay({"check", "--log", events_of(s).string()});
  EXPECT_EQ(check.exit_code, 3) << check.stdout_text;
  EXPECT_NE(check.stdout_text.find("checkpoint " + std::to_string(last) + ": differs from a full fold"),
            std::string::npos)
      << check.stdout_text;
  EXPECT_EQ(replay_state(s)["identities"].size(), 4u) << "state starts from the checkpoint";
  EXPECT_EQ(replay_state(s, {"--no-checkpoint"})["identities"].size(), 3u);

  overwrite_checkpoint(s, [](const domain::rebuilt&) { return std::string("\x93garbage"); });
  EXPECT_EQ(replay({"check", "--log", events_of(s).string()}).exit_code, 3);
  s.start();
  EXPECT_NE(s.log().find("checkpoint at " + std::to_string(last) + " ignored"), std::string::npos) << s.log();
  EXPECT_EQ(s.get_json("/api/v1/identities"), replay_state(s, {"--no-checkpoint"})["identities"]);
  ASSERT_EQ(s.stop(), 0);
  auto replaced = latest_checkpoint(s);
  EXPECT_EQ(replaced.seq, last);
  EXPECT_TRUE(replaced.faithful) << "the next stop writes a good one";
}

// kaso-replay events takes the filters of `kaso events tail`: --since SEQ or TIME, --kind, --id.
TEST(checkpoints_it, replay_events_filters_as_tail_does) {
  server_harness s;
  s.start();
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_EQ(s.kaso({"identity", "create", "-n", name, "--password", "pw"}).exit_code, 0);
  }
  auto all = s.get_json("/api/v1/events?kind=identity");
  ASSERT_EQ(all.size(), 3u);
  auto lines = [&](const std::vector<std::string>& filters) {
    std::vector<std::string> args{"events", "--log", events_of(s).string()};
    args.insert(args.end(), filters.begin(), filters.end());
    auto out = replay(args);
    EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
    std::vector<std::uint64_t> seqs;
    std::istringstream in(out.stdout_text);
    for (std::string line; std::getline(in, line);) seqs.push_back(nlohmann::json::parse(line)["seq"]);
    return seqs;
  };
  std::uint64_t second = all[1]["seq"];
  EXPECT_EQ(lines({"--kind", "identity", "--since", std::to_string(second)}),
            (std::vector<std::uint64_t>{second, all[2]["seq"]}));
  EXPECT_EQ(lines({"--kind", "identity", "--since", all[2]["time"].get<std::string>()}),
            (std::vector<std::uint64_t>{all[2]["seq"]}));
  EXPECT_EQ(lines({"--kind", "identity", "--id", all[0]["id"].get<std::string>()}),
            (std::vector<std::uint64_t>{all[0]["seq"]}));
  EXPECT_NE(replay({"events", "--log", events_of(s).string(), "--since", "yesterday"}).exit_code, 0);
}

}  // namespace
}  // namespace kaso::testing
