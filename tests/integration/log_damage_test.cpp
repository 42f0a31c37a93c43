// A damaged event log is never silent (issue #15, item 6): damage in the write-ahead log stops
// the server with the way to recover (kaso-replay check shows it, --salvage-log starts from what
// can be read); a damaged table that the start does not read is found by the background
// checksum verification, logged loudly and recorded as host.log_damaged.
#include <signal.h>

#include <fstream>

#include <gtest/gtest.h>

#include "eventually.hpp"
#include "platform/child_process.hpp"
#include "server_harness.hpp"

namespace kaso::testing {
namespace {

namespace fs = std::filesystem;

void create_identities(const server_harness& s, int count) {
  for (int i = 0; i < count; ++i) {
    ASSERT_EQ(s.call("POST", "/api/v1/identities", {{"name", "u" + std::to_string(i)}, {"password", "p"}}).status, 201);
  }
}

// Overwrites 8 bytes at `fraction` of `file`.
void damage(const fs::path& file, double fraction) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(static_cast<double>(fs::file_size(file)) * fraction));
  f.write("\xde\xad\xbe\xef\xde\xad\xbe\xef", 8);
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The files in the log folder whose names end in `suffix`.
std::vector<fs::path> log_files(const server_harness& s, const std::string& suffix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(s.state_path() / "events")) {
    if (e.path().extension() == suffix) out.push_back(e.path());
  }
  return out;
}

platform::process_output run_for(std::vector<std::string> argv, std::chrono::seconds bound) {
  auto r = platform::run_process(argv, bound);
  EXPECT_TRUE(r.ok()) << argv[0];
  return r.ok() ? *r : platform::process_output{};
}

TEST(log_damage_it, issue_15_a_damaged_write_ahead_log_stops_the_server_with_the_way_out) {
  server_harness s;
  s.start();
  create_identities(s, 30);
  s.kill9();  // the events are in the write-ahead log only
  auto wal = log_files(s, ".log");
  ASSERT_EQ(wal.size(), 1u);
  damage(wal[0], 0.5);
  const auto events = (s.state_path() / "events").string();
  std::vector<std::string> server{KASO_SERVER_BIN, "-c", s.config_file().string(), "-p", s.state_path().string()};
  auto refused = run_for(server, std::chrono::seconds(30));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.stderr_text.find("is damaged"), std::string::npos) << refused.stderr_text;
  EXPECT_NE(refused.stderr_text.find("--salvage-log"), std::string::npos) << refused.stderr_text;
  auto check = run_for({KASO_REPLAY_BIN, "check", "--log", events}, std::chrono::seconds(30));
  EXPECT_EQ(check.exit_code, 3) << check.stdout_text << check.stderr_text;
  EXPECT_NE(check.stdout_text.find("write-ahead log"), std::string::npos) << check.stdout_text;

  server.push_back("--salvage-log");
  const auto log_file = s.root() / "salvage.log";
  auto salvaging = platform::spawn_detached(server, {log_file});
  ASSERT_TRUE(salvaging.ok()) << salvaging.error().to_string();
  std::string log;
  EXPECT_TRUE(eventually([&] { return (log = read_text(log_file)).find("Listening on") != std::string::npos; })) << log;
  EXPECT_NE(log.find("Event log salvaged: it now ends at event"), std::string::npos) << log;
  (void)platform::send_signal(*salvaging, SIGTERM);
  auto ended = platform::wait_exit(*salvaging, std::chrono::seconds(20));
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->code, 0);
}

TEST(log_damage_it, issue_15_a_damaged_table_is_found_by_the_background_verification) {
  server_harness s;
  s.start();
  create_identities(s, 30);
  EXPECT_EQ(s.stop(), 0);  // a clean stop: the events and the checkpoint in tables
  // The table of events (not the checkpoint's): the start folds from the checkpoint and reads
  // only the last events, not the first block of this table.
  fs::path events_table;
  for (const auto& t : log_files(s, ".sst")) {
    if (read_text(t).find("fold_version") == std::string::npos) events_table = t;
  }
  ASSERT_FALSE(events_table.empty());
  damage(events_table, 0.05);
  s.start();
  std::string log;
  ASSERT_TRUE(eventually([&] { return (log = s.log()).find("THE EVENT LOG IS DAMAGED") != std::string::npos; }))
      << log;
  auto last = s.get_json("/api/v1/events?last=1");
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0]["type"], "host.log_damaged");
  EXPECT_NE(last[0]["payload"]["error"].get<std::string>().find("Corruption"), std::string::npos) << last.dump();
}

}  // namespace
}  // namespace kaso::testing
