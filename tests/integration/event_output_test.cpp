// What readers of the event log get (issue #15, items 8 and 9; issue #16, unknown kinds): no
// password hash in any event output (the API's list and stream, `kaso events`, `kaso-replay
// events|export` unless --with-secrets); at most 10,000 events in one answer; an unknown kind is
// refused, not answered with nothing. (A followed stream is written as it is read: `last` may be
// larger there.)
#include <fstream>

#include <gtest/gtest.h>

#include "server_harness.hpp"

namespace kaso::testing {
namespace {

// The first event of the followed stream at `path` (a server-sent event's data, parsed).
nlohmann::json first_streamed(const server_harness& s, const std::string& path) {
  auto client = s.http(std::chrono::seconds(10));
  std::string buffer;
  nlohmann::json first;
  client->Get(path, [&](const char* data, std::size_t n) {
    buffer.append(data, n);
    auto at = buffer.find("\ndata: ");
    auto end = buffer.find("\n\n");
    if (at == std::string::npos || end == std::string::npos) return true;
    first = nlohmann::json::parse(buffer.substr(at + 7, end - at - 7), nullptr, false);
    return false;
  });
  return first;
}

platform::process_output replay(const server_harness& s, std::vector<std::string> args) {
  std::vector<std::string> argv{KASO_REPLAY_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--log", (s.state_path() / "events").string()});
  auto r = platform::run_process(argv, std::chrono::seconds(30));
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : platform::process_output{};
}

TEST(event_output_it, issue_15_password_hashes_are_redacted_in_every_event_output) {
  server_harness s;
  s.start();
  ASSERT_EQ(s.call("POST", "/api/v1/identities", {{"name", "bob"}, {"password", "secret"}}).status, 201);
  ASSERT_EQ(s.call("PATCH", "/api/v1/identities/bob", {{"password", "other"}}).status, 200);
  auto listed = s.get_json("/api/v1/events?kind=identity");
  ASSERT_EQ(listed.size(), 2u);
  for (const auto& e : listed) EXPECT_EQ(e["payload"]["password_hash"], "(redacted)") << e.dump();
  EXPECT_EQ(first_streamed(s, "/api/v1/events?follow=true&kind=identity")["payload"]["password_hash"], "(redacted)");
  auto tailed = s.kaso_json({"events", "tail", "--kind", "identity"});
  ASSERT_FALSE(tailed.empty());
  EXPECT_EQ(tailed[0]["payload"]["password_hash"], "(redacted)");

  EXPECT_EQ(s.stop(), 0);
  for (const auto* command : {"events", "export"}) {
    auto out = replay(s, {command});
    EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
    EXPECT_EQ(out.stdout_text.find("$6$"), std::string::npos) << command << ": " << out.stdout_text;
    EXPECT_NE(out.stdout_text.find("(redacted)"), std::string::npos) << command;
  }
  auto backup = replay(s, {"export", "--with-secrets"});
  EXPECT_NE(backup.stdout_text.find("\"password_hash\":\"$6$"), std::string::npos) << "asked for explicitly";
}

TEST(event_output_it, issue_15_an_imported_log_is_the_owners_alone) {
  server_harness s;
  s.start();
  ASSERT_EQ(s.call("POST", "/api/v1/identities", {{"name", "bob"}, {"password", "secret"}}).status, 201);
  EXPECT_EQ(s.stop(), 0);
  auto exported = replay(s, {"export", "--with-secrets"});
  ASSERT_EQ(exported.exit_code, 0);
  auto file = s.root() / "backup.jsonl";
  std::ofstream(file) << exported.stdout_text;
  auto into = s.root() / "imported";
  auto imported = platform::run_process({KASO_REPLAY_BIN, "import", file.string(), "--into", into.string()},
                                        std::chrono::seconds(30));
  ASSERT_TRUE(imported.ok());
  ASSERT_EQ(imported->exit_code, 0) << imported->stderr_text;
  EXPECT_EQ(std::filesystem::status(into).permissions() &
                (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(into)) {
    auto perms = entry.status().permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none)
        << entry.path();
    ++files;
  }
  EXPECT_GT(files, 0u);
}

TEST(event_output_it, issue_15_one_answer_holds_at_most_10000_events) {
  server_harness s;
  s.start();
  for (const auto* query : {"limit=10001", "last=10001", "limit=100000000", "last=100000000"}) {
    auto r = s.call("GET", std::string("/api/v1/events?") + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_NE(r.body["error"]["message"].get<std::string>().find("at most 10000"), std::string::npos) << r.body.dump();
  }
  EXPECT_EQ(s.call("GET", "/api/v1/events?limit=10000").status, 200);
  EXPECT_EQ(s.call("GET", "/api/v1/events?last=10000").status, 200);
}

TEST(event_output_it, issue_16_an_unknown_kind_is_refused) {
  server_harness s;
  s.start();
  auto r = s.call("GET", "/api/v1/events?kind=nonsense");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("'kind' must be one of"), std::string::npos);
  for (auto verb : {"list", "tail"}) {
    auto cli = s.kaso({"events", verb, "--kind", "nonsense"});
    EXPECT_NE(cli.exit_code, 0) << verb;
    EXPECT_NE(cli.stderr_text.find("nonsense"), std::string::npos) << verb << ": " << cli.stderr_text;
  }
  for (auto kind : {"identity", "image", "task", "network", "instance", "host"}) {
    EXPECT_EQ(s.call("GET", std::string("/api/v1/events?kind=") + kind).status, 200) << kind;
  }
}

// Issue #16: kaso-replay finds the server's log from the same configuration, and says its commands.
TEST(event_output_it, issue_16_kaso_replay_reads_the_log_of_the_configuration) {
  server_harness s;
  s.write_config({{"path", s.state_path().string()}});
  s.start();
  ASSERT_EQ(s.call("POST", "/api/v1/identities", {{"name", "bob"}, {"password", "secret"}}).status, 201);
  EXPECT_EQ(s.stop(), 0);
  auto out = platform::run_process({KASO_REPLAY_BIN, "events", "-c", s.config_file().string(), "--kind", "identity"},
                                   std::chrono::seconds(30));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->exit_code, 0) << out->stderr_text;
  EXPECT_NE(out->stdout_text.find("identity.created"), std::string::npos) << out->stdout_text;
  auto help = platform::run_process({KASO_REPLAY_BIN, "-h"}, std::chrono::seconds(30));
  ASSERT_TRUE(help.ok());
  for (const auto* command : {"check", "events", "state", "diff", "export", "import"}) {
    EXPECT_NE(help->stdout_text.find(std::string("  ") + command + " "), std::string::npos) << command;
  }
}

// Issue #18: the answer to a request names its chain, and every event it led to carries it in
// `kaso events list -o json`.
TEST(event_output_it, issue_18_a_requests_events_carry_its_correlation) {
  server_harness s;
  s.start();
  auto created = s.call("POST", "/api/v1/identities", {{"name", "alice"}, {"password", "secret"}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  ASSERT_EQ(created.correlation.rfind("r-", 0), 0u) << created.correlation;
  auto again = s.call("PATCH", "/api/v1/identities/alice", {{"gecos", "Alice"}});
  ASSERT_EQ(again.status, 200) << again.body.dump();
  EXPECT_NE(again.correlation, created.correlation) << "each request its own";
  auto listed = s.kaso_json({"events", "list", "--kind", "identity", "-o", "json"});
  ASSERT_EQ(listed.size(), 2u) << listed.dump();
  EXPECT_EQ(listed[0]["cause"]["correlation"], created.correlation);
  EXPECT_EQ(listed[1]["cause"]["correlation"], again.correlation);
  EXPECT_EQ(listed[1]["cause"]["causation"], 0);
}

}  // namespace
}  // namespace kaso::testing
