// `kaso events tail` and GET /api/v1/events?follow=true against the real kaso-server (issue #5,
// the audit trail): a follower sees every event once, in order, across a SIGTERM restart and a
// kill -9; filters; Last-Event-ID resumes over raw HTTP; 20 followers leave the API answering;
// the follower limit answers 503 and frees slots; SIGTERM ends a server with followers attached;
// bad input is refused.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "eventually.hpp"
#include "platform/free_port.hpp"
#include "server_harness.hpp"

extern char** environ;

namespace kaso::testing {
namespace {

using namespace std::chrono_literals;



// `kaso events tail ARGS` as a child process with its stdout on a pipe, read by a thread.
class tail_process {
 public:
  tail_process(const server_harness& s, const std::vector<std::string>& args)
      : tail_process(s, {"--server", "unix:" + s.socket().string()}, args) {}
  // `global`: the options before the verb (which server, which configuration).
  tail_process(const server_harness& s, const std::vector<std::string>& global, const std::vector<std::string>& args) {
    std::vector<std::string> argv{KASO_CLI_BIN};
    argv.insert(argv.end(), global.begin(), global.end());
    argv.insert(argv.end(), {"events", "tail"});
    argv.insert(argv.end(), args.begin(), args.end());
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    err_file_ = s.root() / ("tail-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + ".err");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0].c_str(), &actions, &attr, cargv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(fd, buf, sizeof buf)) > 0) {
        std::lock_guard lock(mu_);
        out_.append(buf, static_cast<std::size_t>(n));
      }
      ::close(fd);
    });
  }

  ~tail_process() { stop(); }

  // The complete lines printed so far, each parsed as JSON.
  std::vector<nlohmann::json> events() const {
    std::lock_guard lock(mu_);
    std::vector<nlohmann::json> out;
    std::istringstream lines(out_.substr(0, out_.rfind('\n') + 1));
    for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line, nullptr, false));
    return out;
  }

  // SIGTERM (the way a user ends -f); returns the signal that ended it, or 128 + exit code.
  int stop() {
    if (pid_ <= 0) return -1;
    if (!signal_child(pid_, SIGTERM)) return -1;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (reader_.joinable()) reader_.join();
    return WIFSIGNALED(status) ? WTERMSIG(status) : 128 + WEXITSTATUS(status);
  }

  std::string err() const {
    std::ifstream in(err_file_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  pid_t pid_ = -1;
  std::filesystem::path err_file_;
  mutable std::mutex mu_;
  std::string out_;
  std::thread reader_;
};

std::vector<std::uint64_t> seqs_of(const std::vector<nlohmann::json>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e.is_object() ? e.value("seq", std::uint64_t{0}) : 0);
  return out;
}

void create_identity(const server_harness& s, const std::string& name) {
  auto r = s.kaso({"identity", "create", "-n", name, "--password", "pw"});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
}

// A raw follower on the socket: the request written by hand, the answer read as bytes.
struct raw_follower {
  int fd = -1;
  std::string bytes;

  raw_follower(const server_harness& s, const std::string& target, const std::string& extra_headers = "") {
    fd = connect_unix(s.socket());
    EXPECT_GE(fd, 0) << std::strerror(errno);
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: kaso\r\n" + extra_headers + "\r\n";
    EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  }
  ~raw_follower() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  // Reads until `text` has arrived (true), the connection ends or `bound` passes (false).
  bool read_until(const std::string& text, std::chrono::seconds bound = 30s) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (bytes.find(text) == std::string::npos) {
      if (!read_some(deadline)) return false;
    }
    return true;
  }
  // Reads until the server closes the connection (true) or `bound` passes (false).
  bool read_to_end(std::chrono::seconds bound = 30s) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (read_some(deadline)) {
    }
    return std::chrono::steady_clock::now() < deadline;
  }
  std::string status_line() const { return bytes.substr(0, bytes.find("\r\n")); }

 private:
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    bytes.append(buf, static_cast<std::size_t>(n));
    return true;
  }
};

// SIGTERM, then waits (bounded) for the server to end without reaping it; then the harness reaps
// it. A server that does not end is killed and the test fails.
int stop_bounded(server_harness& s, std::chrono::seconds bound = 60s) {
  if (!signal_child(s.pid(), SIGTERM)) return -1;
  bool ended = eventually([&] {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(s.pid()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
  }, bound);
  if (!ended) {
    ADD_FAILURE() << "kaso-server did not end after SIGTERM with followers attached";
    s.kill9();
    return -1;
  }
  return s.stop();
}

TEST(events_tail_it, follower_sees_every_event_once_in_order_across_restarts) {
  server_harness s;
  s.start();
  create_identity(s, "before1");
  create_identity(s, "before2");
  tail_process tail(s, {"-f", "-o", "json", "-n", "100000"});
  auto all = [&] { return s.get_json("/api/v1/events"); };
  ASSERT_TRUE(eventually([&] { return tail.events().size() == all().size(); })) << tail.err();

  create_identity(s, "during1");
  ASSERT_TRUE(eventually([&] { return tail.events().size() == all().size(); })) << tail.err();

  ASSERT_EQ(s.stop(), 0);
  s.start();
  create_identity(s, "after-stop");
  ASSERT_TRUE(eventually([&] { return tail.events().size() == all().size(); })) << tail.err();

  s.kill9();
  s.start();
  create_identity(s, "after-kill1");
  create_identity(s, "after-kill2");
  auto expected = all();
  ASSERT_TRUE(eventually([&] { return tail.events().size() >= expected.size(); })) << tail.err();
  EXPECT_EQ(tail.stop(), SIGTERM);

  auto printed = tail.events();
  ASSERT_EQ(seqs_of(printed), seqs_of(expected.get<std::vector<nlohmann::json>>()));
  for (std::size_t i = 0; i < printed.size(); ++i) {
    EXPECT_EQ(printed[i]["seq"], i + 1) << "gapless from the first event";
    EXPECT_EQ(printed[i], expected[i]) << "each line is the list's element";
  }
  EXPECT_NE(tail.err().find("reconnecting"), std::string::npos) << tail.err();
}

TEST(events_tail_it, follow_filters_by_kind_and_id) {
  server_harness s;
  s.start();
  create_identity(s, "one");
  tail_process by_id(s, {"-f", "-o", "json", "--kind", "identity", "--id", "2"});
  tail_process networks(s, {"-f", "-o", "json", "--kind", "network", "-n", "1000"});
  tail_process last_two(s, {"-f", "-o", "json", "-n", "2"});
  ASSERT_TRUE(eventually([&] { return last_two.events().size() == 2; })) << last_two.err();
  create_identity(s, "two");
  ASSERT_EQ(s.kaso({"identity", "modify", "two", "--shell", "/bin/sh"}).exit_code, 0);
  create_identity(s, "three");

  auto expected_id = s.get_json("/api/v1/events?kind=identity&id=2");
  auto expected_networks = s.get_json("/api/v1/events?kind=network");
  ASSERT_EQ(expected_id.size(), 2u);
  ASSERT_FALSE(expected_networks.empty()) << "the default networks are created at first start";
  ASSERT_TRUE(eventually([&] { return by_id.events().size() >= 2; })) << by_id.err();
  ASSERT_TRUE(eventually([&] { return networks.events().size() >= expected_networks.size(); }));
  const auto last = s.get_json("/api/v1/events").back()["seq"].get<std::uint64_t>();
  ASSERT_TRUE(eventually([&] { return !last_two.events().empty() && last_two.events().back()["seq"] == last; }));
  by_id.stop();
  networks.stop();
  last_two.stop();
  EXPECT_EQ(nlohmann::json(by_id.events()), expected_id);
  EXPECT_EQ(nlohmann::json(networks.events()), expected_networks);
  auto tail_seqs = seqs_of(last_two.events());
  ASSERT_EQ(tail_seqs.size(), 5u);  // the last 2 before, then the 3 identity events
  EXPECT_EQ(tail_seqs.back(), last);
  for (std::size_t i = 1; i < tail_seqs.size(); ++i) EXPECT_EQ(tail_seqs[i], tail_seqs[i - 1] + 1);
}

TEST(events_tail_it, tail_without_follow_prints_the_last_events) {
  server_harness s;
  s.start();
  for (auto name : {"a", "b", "c"}) create_identity(s, name);
  auto identities = s.get_json("/api/v1/events?kind=identity");
  auto last_two = s.kaso_json({"events", "tail", "-n", "2", "--kind", "identity"});
  EXPECT_EQ(last_two, nlohmann::json({identities[1], identities[2]}));
  auto table = s.kaso({"events", "tail", "-n", "1"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.stdout_text.find("identity.created"), std::string::npos) << table.stdout_text;

  // --since TIME: from the first event recorded at or after it (resolved by the server).
  auto since_time = s.kaso_json({"events", "tail", "-n", "100", "--kind", "identity", "--since",
                                 identities[1]["time"].get<std::string>()});
  ASSERT_FALSE(since_time.empty());
  EXPECT_EQ(since_time.front()["seq"], identities[1]["seq"]);
}

TEST(events_tail_it, last_event_id_resumes_over_raw_http) {
  server_harness s;
  s.start();
  for (auto name : {"a", "b", "c"}) create_identity(s, name);
  auto identities = s.get_json("/api/v1/events?kind=identity");
  const auto first = identities[0]["seq"].get<std::uint64_t>();

  auto client = s.http();
  std::string content_type;
  std::vector<std::pair<std::uint64_t, nlohmann::json>> got;
  std::string buffer;
  auto res = client->Get(
      "/api/v1/events?follow=true&kind=identity&since=1", {{"Last-Event-ID", std::to_string(first)}},
      [&](const httplib::Response& r) {
        content_type = r.get_header_value("Content-Type");
        return r.status == 200;
      },
      [&](const char* data, std::size_t n) {
        buffer.append(data, n);
        for (auto end = buffer.find("\n\n"); end != std::string::npos; end = buffer.find("\n\n")) {
          auto message = buffer.substr(0, end);
          buffer.erase(0, end + 2);
          auto data_at = message.find("\ndata: ");
          if (message.rfind("id: ", 0) != 0 || data_at == std::string::npos) continue;
          got.emplace_back(std::stoull(message.substr(4, data_at - 4)),
                           nlohmann::json::parse(message.substr(data_at + 7)));
        }
        return got.size() < 2;  // enough: close the stream
      });
  EXPECT_EQ(content_type, "text/event-stream");
  ASSERT_EQ(got.size(), 2u) << "Last-Event-ID wins over since";
  EXPECT_EQ(got[0].first, identities[1]["seq"]);
  EXPECT_EQ(got[0].second, identities[1]);
  EXPECT_EQ(got[1].first, identities[2]["seq"]);
  EXPECT_EQ(got[1].second, identities[2]);
}

TEST(events_tail_it, twenty_followers_leave_the_api_answering) {
  server_harness s;
  s.start();
  std::vector<std::unique_ptr<raw_follower>> followers;
  for (int i = 0; i < 20; ++i) {
    followers.push_back(std::make_unique<raw_follower>(s, "/api/v1/events?follow=true&last=0"));
    ASSERT_TRUE(followers.back()->read_until("\r\n\r\n"));
    EXPECT_EQ(followers.back()->status_line(), "HTTP/1.1 200 OK");
  }
  EXPECT_EQ(s.get_json("/api/v1/server")["pid"], s.pid());
  create_identity(s, "seen-by-all");
  for (auto& f : followers) EXPECT_TRUE(f->read_until("\"identity.created\"")) << f->bytes;
}

TEST(events_tail_it, followers_beyond_the_limit_get_503_until_one_leaves) {
  server_harness s;
  s.start();
  std::vector<std::unique_ptr<raw_follower>> followers;
  for (int i = 0; i < 64; ++i) {
    followers.push_back(std::make_unique<raw_follower>(s, "/api/v1/events?follow=true&last=0"));
    ASSERT_TRUE(followers.back()->read_until("\r\n\r\n"));
    ASSERT_EQ(followers.back()->status_line(), "HTTP/1.1 200 OK") << i;
  }
  raw_follower refused(s, "/api/v1/events?follow=true&last=0");
  ASSERT_TRUE(refused.read_until("}}"));
  EXPECT_EQ(refused.status_line(), "HTTP/1.1 503 Service Unavailable");
  EXPECT_NE(refused.bytes.find("\"code\":\"unavailable\""), std::string::npos) << refused.bytes;
  EXPECT_EQ(s.get_json("/api/v1/server")["pid"], s.pid()) << "other requests still answered";

  followers.front()->close();
  create_identity(s, "wakes-them");  // the write to the closed follower ends its stream
  EXPECT_TRUE(eventually([&] {
    raw_follower again(s, "/api/v1/events?follow=true&last=0");
    return again.read_until("\r\n\r\n") && again.status_line() == "HTTP/1.1 200 OK";
  }));
}

TEST(events_tail_it, sigterm_ends_a_server_with_followers_attached) {
  server_harness s;
  s.start();
  create_identity(s, "x");
  std::vector<std::unique_ptr<raw_follower>> followers;
  for (int i = 0; i < 5; ++i) {
    followers.push_back(std::make_unique<raw_follower>(s, "/api/v1/events?follow=true"));
    ASSERT_TRUE(followers.back()->read_until("identity.created"));
  }
  tail_process tail(s, {"-f", "-o", "json"});
  ASSERT_TRUE(eventually([&] { return !tail.events().empty(); }));
  EXPECT_EQ(stop_bounded(s), 0) << s.log();
  for (auto& f : followers) EXPECT_TRUE(f->read_to_end()) << "the stream ends with the server";
  EXPECT_EQ(tail.stop(), SIGTERM) << "the CLI keeps trying until it is told to stop";
}

// Over the TCP listener the stream carries the bearer token of the configuration given with -c,
// as every other request does.
TEST(events_tail_it, follow_over_tcp_sends_the_configured_token) {
  server_harness s;
  auto port = platform::free_loopback_port();
  ASSERT_TRUE(port.ok());
  s.write_config({{"tcp_listener", true}, {"default_server_port", *port}});
  s.start();
  tail_process tail(s, {"-c", s.config_file().string(), "--server", "http://127.0.0.1:" + std::to_string(*port)},
                    {"-f", "-o", "json"});
  create_identity(s, "over-tcp");
  // The stream may begin with what was recorded before (the predefined networks, the host's
  // accelerator): wait for the identity itself.
  EXPECT_TRUE(eventually([&] {
    auto got = tail.events();
    return !got.empty() && got.back()["type"] == "identity.created";
  })) << tail.err();
  auto seen = tail.events();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back()["type"], "identity.created");
  EXPECT_EQ(seen.back()["payload"]["name"], "over-tcp");
}

TEST(events_tail_it, bad_input_is_refused) {
  server_harness s;
  s.start();
  auto usage = s.kaso({"events", "tail", "--since", "abc"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(usage.stderr_text,
            "kaso: --since must be a sequence number or a UTC time like 2026-11-30T12:00:00Z, got 'abc' "
            "(see 'kaso events tail -h')\n");
  auto no_such_time = s.kaso({"events", "tail", "-f", "--since", "2026-13-45T00:00:00Z"});
  EXPECT_EQ(no_such_time.exit_code, 1);
  EXPECT_EQ(no_such_time.stderr_text,
            "kaso: 'since' must be a sequence number or an ISO-8601 UTC time (2026-11-30T12:00:00Z), got "
            "'2026-13-45T00:00:00Z'\n");

  auto client = s.http();
  for (const auto& [target, header] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/events?follow=true", "abc"},
           {"/api/v1/events?follow=true", "-1"},
           {"/api/v1/events?since=abc", ""},
           {"/api/v1/events?follow=true&since=abc", ""},
           {"/api/v1/events?follow=yes", ""},
           {"/api/v1/events?follow=true&limit=3", ""},
           {"/api/v1/events?last=2&limit=3", ""},
           {"/api/v1/events?last=x", ""}}) {
    httplib::Headers headers;
    if (!header.empty()) headers.emplace("Last-Event-ID", header);
    auto res = client->Get(target, headers);
    ASSERT_TRUE(res) << target;
    EXPECT_EQ(res->status, 400) << target << " " << header;
    EXPECT_EQ(nlohmann::json::parse(res->body)["error"]["code"], "invalid_argument") << res->body;
  }
}

}  // namespace
}  // namespace kaso::testing
