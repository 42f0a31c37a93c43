// Identities through the real kaso CLI and kaso-server: created, listed, modified, removed, still
// there after a restart and after a kill -9, with every event recorded and every refused command
// recording nothing. Issue #2.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "domain/rebuild.hpp"
#include "server_harness.hpp"

namespace kaso::testing {
namespace {

std::size_t event_count(const server_harness& s) { return s.get_json("/api/v1/events?kind=identity").size(); }

TEST(identities_it, cli_lifecycle_survives_a_server_restart) {
  server_harness s;
  s.start();
  auto pub = make_ssh_key(s.root(), "alice");
  auto created = s.kaso({"identity", "create", "-n", "alice", "--public-key", pub.string()});
  ASSERT_EQ(created.exit_code, 0) << created.stderr_text;
  EXPECT_EQ(created.stdout_text, "Created identity with id 1\n");
  ASSERT_EQ(s.kaso({"identity", "create", "-n", "debug", "--password", "s3cret"}).exit_code, 0);

  auto alice = s.kaso_json({"identity", "get", "alice"});
  EXPECT_EQ(alice["kind"], "pubkey");
  EXPECT_EQ(alice["key_type"], "ssh-ed25519");
  auto fp = platform::run_process({"ssh-keygen", "-l", "-f", pub.string()}, std::chrono::seconds(10));
  EXPECT_NE(fp->stdout_text.find(alice["fingerprint"].get<std::string>()), std::string::npos);
  EXPECT_EQ(s.kaso_json({"identity", "get", "--id", "2"})["name"], "debug");
  EXPECT_EQ(s.kaso_json({"identity", "get", "--name", "debug"})["password_set"], true);

  ASSERT_EQ(s.kaso({"identity", "modify", "debug", "--gecos", "Debug User", "--shell", "/bin/bash"}).exit_code, 0);
  ASSERT_EQ(s.kaso({"identity", "modify", "--id", "1", "-n", "alice2"}).exit_code, 0);
  ASSERT_EQ(s.kaso({"identity", "create", "-n", "tmp", "--password", "x"}).exit_code, 0);
  auto removed = s.kaso({"identity", "remove", "tmp"});
  ASSERT_EQ(removed.exit_code, 0) << removed.stderr_text;

  auto list_before = s.kaso_json({"identity", "list"});
  auto events_before = s.kaso_json({"events", "list", "--kind", "identity"});
  ASSERT_EQ(list_before.size(), 2u);
  EXPECT_EQ(list_before[0]["name"], "alice2");
  EXPECT_EQ(list_before[1]["gecos"], "Debug User");
  ASSERT_EQ(events_before.size(), 6u);
  std::vector<std::string> types;
  for (auto& e : events_before) types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"identity.created", "identity.created", "identity.modified",
                                             "identity.modified", "identity.created", "identity.removed"}));
  EXPECT_EQ(s.kaso_json({"events", "list", "--kind", "identity", "--id", "2"}).size(), 2u);
  auto fifth = std::to_string(events_before[4]["seq"].get<std::uint64_t>());
  EXPECT_EQ(s.kaso_json({"events", "list", "--kind", "identity", "--since", fifth}).size(), 2u);

  ASSERT_EQ(s.stop(), 0);
  s.start();
  EXPECT_EQ(s.kaso_json({"identity", "list"}), list_before);
  EXPECT_EQ(s.kaso_json({"events", "list", "--kind", "identity"}), events_before);
  auto next = s.kaso({"identity", "create", "-n", "carol", "--password", "pw"});
  EXPECT_EQ(next.stdout_text, "Created identity with id 4\n") << "ids are never reused";
}

TEST(identities_it, every_event_names_who_caused_it) {
  server_harness s;
  s.start();
  ASSERT_EQ(s.kaso({"identity", "create", "-n", "debug", "--password", "pw"}).exit_code, 0);
  auto events = s.get_json("/api/v1/events?kind=identity");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["cause"]["origin"], "unix");
  EXPECT_EQ(events[0]["cause"]["uid"], static_cast<std::int64_t>(getuid()));
  EXPECT_GT(events[0]["cause"]["pid"].get<std::int64_t>(), 0);
  EXPECT_EQ(events[0]["payload"].dump().find("\"pw\""), std::string::npos);
  EXPECT_EQ(s.log().find("\"pw\""), std::string::npos) << "the password never reaches the log";
}

TEST(identities_it, refused_requests_answer_4xx_json_and_record_nothing) {
  server_harness s;
  s.start();
  auto pub = make_ssh_key(s.root(), "k");
  ASSERT_EQ(s.kaso({"identity", "create", "-n", "taken", "--public-key", pub.string()}).exit_code, 0);
  const std::size_t before = event_count(s);
  auto c = s.http();
  struct bad {
    std::string body;
    int status;
  };
  for (const auto& b : std::vector<bad>{
           {R"({"name":"../x","password":"p"})", 400},
           {R"({"name":"taken","password":"p"})", 409},
           {R"({"name":"ok","public_key":"ssh-ed25519 AAAA garbage"})", 400},
           {R"({"name":"ok","password":"p","public_key":"x"})", 400},
           {R"({"name":"ok","password":"p","colour":"red"})", 400},
           {R"({"name":5,"password":"p"})", 400},
           {R"({"name":"ok"})", 400},
           {R"({"name":"ok","password":"p","gecos":"a\n#cloud-config"})", 400},
           {R"([1,2])", 400},
           {R"({"name":)", 400},
           {"{\"name\":\"big\",\"password\":\"" + std::string(2 << 20, 'x') + "\"}", 413},
       }) {
    auto res = c->Post("/api/v1/identities", b.body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, b.status) << b.body.substr(0, 80) << " -> " << res->body;
    auto j = nlohmann::json::parse(res->body, nullptr, false);
    ASSERT_TRUE(j.contains("error")) << res->body;
    EXPECT_TRUE(j["error"]["code"].is_string());
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  }
  auto res = c->Patch("/api/v1/identities/nope", R"({"gecos":"x"})", "application/json");
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(c->Delete("/api/v1/identities/nope")->status, 404);
  EXPECT_EQ(event_count(s), before);
  EXPECT_EQ(s.get_json("/api/v1/identities").size(), 1u);
}

TEST(identities_it, cli_errors_are_one_readable_line) {
  server_harness s;
  s.start();
  auto missing = s.kaso({"identity", "get", "nobody-here"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(missing.stdout_text.empty());
  EXPECT_EQ(std::count(missing.stderr_text.begin(), missing.stderr_text.end(), '\n'), 1) << missing.stderr_text;
  EXPECT_NE(missing.stderr_text.find("does not exist"), std::string::npos);
  auto usage = s.kaso({"identity", "create", "--password", "x"});
  EXPECT_EQ(usage.exit_code, 2) << "missing -n is a usage error";
  EXPECT_EQ(std::count(usage.stderr_text.begin(), usage.stderr_text.end(), '\n'), 1) << usage.stderr_text;
  s.stop();
  auto down = s.kaso({"identity", "list"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.stderr_text.find("cannot connect"), std::string::npos) << down.stderr_text;
}

TEST(identities_it, rebuilding_the_log_beside_the_running_server_gives_the_live_projection) {
  server_harness s;
  s.start();
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(s.kaso({"identity", "create", "-n", "u" + std::to_string(i), "--password", "p"}).exit_code, 0);
  }
  ASSERT_EQ(s.kaso({"identity", "modify", "u3", "--gecos", "Three"}).exit_code, 0);
  ASSERT_EQ(s.kaso({"identity", "remove", "u5"}).exit_code, 0);
  auto live = s.get_json("/api/v1/identities");
  auto store = events::event_store::open(s.state_path() / "events", events::event_store::mode::read_only);
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  auto rebuilt = domain::rebuild(**store);
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(domain::to_json(rebuilt.value())["identities"], live);
}

TEST(identities_it, acknowledged_commands_survive_kill_9) {
  server_harness s;
  s.start();
  std::atomic<bool> stop{false};
  std::mutex m;
  std::vector<std::string> acknowledged;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      auto c = s.http();
      c->set_read_timeout(5, 0);
      for (int i = 0; !stop; ++i) {
        std::string name = "c" + std::to_string(t) + "-" + std::to_string(i);
        auto res = c->Post("/api/v1/identities", R"({"name":")" + name + R"(","password":"p"})",
                           "application/json");
        if (!res) break;
        if (res->status == 201) {
          std::lock_guard lock(m);
          acknowledged.push_back(name);
        }
      }
    });
  }
  while (true) {
    {
      std::lock_guard lock(m);
      if (acknowledged.size() >= 40) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  s.kill9();
  stop = true;
  for (auto& c : clients) c.join();
  s.start();
  auto list = s.get_json("/api/v1/identities");
  std::set<std::string> names;
  for (auto& i : list) names.insert(i["name"]);
  for (auto& a : acknowledged) EXPECT_TRUE(names.contains(a)) << a << " was acknowledged but lost";
  auto events = s.get_json("/api/v1/events");
  for (std::size_t i = 0; i < events.size(); ++i) ASSERT_EQ(events[i]["seq"], i + 1);
}

TEST(identities_it, a_second_server_on_the_same_path_is_refused) {
  server_harness s;
  s.start();
  auto r = platform::run_process({KASO_SERVER_BIN, "-c", (s.root() / "kaso.json").string(), "-p",
                                  s.state_path().string()},
                                 std::chrono::seconds(20));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_NE(r->stderr_text.find("in use by another process"), std::string::npos) << r->stderr_text;
  EXPECT_EQ(s.get_json("/api/v1/server")["pid"], s.pid()) << "the first server still serves";
}

}  // namespace
}  // namespace kaso::testing
