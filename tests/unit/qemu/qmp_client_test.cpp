// qmp_client against a scripted fake peer: negotiation, replies, events, QMP errors, timeouts,
// late replies, hang-ups and garbage.
#include "qemu/qmp_client.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fake_qmp_server.hpp"
#include "temp_dir.hpp"

namespace kaso::qemu {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using reply = fake_qmp_server::reply;

std::string command_of(const json& request) { return request.value("execute", ""); }

class qmp_client_test : public ::testing::Test {
 protected:
  std::string socket_path() const { return dir_.file("qmp.sock"); }

  // Starts a fake qemu and connects to it.
  qmp_client start(fake_qmp_server::script s) {
    server_ = std::make_unique<fake_qmp_server>(socket_path(), fake_qmp_server::qemu_greeting,
                                                std::move(s));
    result<qmp_client> client = qmp_client::connect(socket_path(), 2s);
    EXPECT_TRUE(client.ok()) << client.error().to_string();
    return std::move(client).value();
  }

  temp_dir dir_;
  std::unique_ptr<fake_qmp_server> server_;
};

TEST_F(qmp_client_test, connect_reads_the_greeting_and_negotiates_capabilities) {
  qmp_client client = start([](const json&) { return reply{}; });
  EXPECT_TRUE(client.connected());
  EXPECT_EQ(client.greeting()["QMP"]["version"]["qemu"]["major"], 7);
  std::vector<json> requests = server_->requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(command_of(requests[0]), "qmp_capabilities");
  EXPECT_TRUE(requests[0].contains("id"));
  EXPECT_FALSE(requests[0].contains("arguments"));
}

TEST_F(qmp_client_test, execute_returns_the_return_member_and_sends_arguments) {
  qmp_client client = start([](const json& request) {
    json status = {{"status", "running"}, {"running", true}};
    return reply{{fake_qmp_server::return_line(request, status)}};
  });
  result<json> r = client.execute("query-status", {{"verbose", true}});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r.value(), (json{{"status", "running"}, {"running", true}}));
  std::vector<json> requests = server_->requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(command_of(requests[1]), "query-status");
  EXPECT_EQ(requests[1]["arguments"], (json{{"verbose", true}}));
  EXPECT_NE(requests[1]["id"], requests[0]["id"]);
}

TEST_F(qmp_client_test, events_arriving_before_the_reply_are_kept) {
  qmp_client client = start([](const json& request) {
    return reply{{R"({"event": "STOP", "timestamp": {"seconds": 1, "microseconds": 0}})",
                  R"({"event": "RESUME", "timestamp": {"seconds": 2, "microseconds": 0}})",
                  fake_qmp_server::return_line(request, json::object())}};
  });
  ASSERT_TRUE(client.execute("cont").ok());
  std::vector<json> events = client.take_events();
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0]["event"], "STOP");
  EXPECT_EQ(events[1]["event"], "RESUME");
  EXPECT_TRUE(client.take_events().empty());
}

TEST_F(qmp_client_test, qmp_errors_carry_class_and_description) {
  qmp_client client = start([](const json& request) {
    std::string cls = command_of(request) == "nope" ? "CommandNotFound" : "GenericError";
    json line = {{"error", {{"class", cls}, {"desc", "it went wrong"}}}, {"id", request["id"]}};
    return reply{{line.dump()}};
  });
  result<json> missing = client.execute("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), errc::not_found);
  EXPECT_EQ(missing.error().message(), "qmp nope: CommandNotFound: it went wrong");
  result<json> generic = client.execute("device_add", {{"driver", "x"}});
  ASSERT_FALSE(generic.ok());
  EXPECT_EQ(generic.error().code(), errc::internal);
  EXPECT_EQ(generic.error().message(), "qmp device_add: GenericError: it went wrong");
  EXPECT_TRUE(client.connected());
}

TEST_F(qmp_client_test, a_timed_out_command_does_not_shift_later_replies) {
  json first_request;
  qmp_client client = start([&first_request](const json& request) {
    if (command_of(request) == "slow") {
      first_request = request;  // no answer yet
      return reply{};
    }
    return reply{{fake_qmp_server::return_line(first_request, {{"late", true}}),
                  fake_qmp_server::return_line(request, {{"fast", true}})}};
  });
  auto started = std::chrono::steady_clock::now();
  result<json> slow = client.execute("slow", {}, 50ms);
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code(), errc::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  result<json> fast = client.execute("fast");
  ASSERT_TRUE(fast.ok()) << fast.error().to_string();
  EXPECT_EQ(fast.value(), (json{{"fast", true}}));
}

TEST_F(qmp_client_test, hang_up_after_the_reply_makes_later_calls_unavailable) {
  qmp_client client = start([](const json& request) {
    return reply{{fake_qmp_server::return_line(request, json::object()),
                  R"({"event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}})"},
                 /*hang_up=*/true};
  });
  ASSERT_TRUE(client.execute("quit").ok());
  result<json> shutdown = client.wait_event("SHUTDOWN", 1s);
  ASSERT_TRUE(shutdown.ok()) << shutdown.error().to_string();
  EXPECT_EQ(shutdown.value()["data"]["reason"], "host-qmp-quit");
  result<json> after = client.execute("query-status");
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code(), errc::unavailable);
  EXPECT_FALSE(client.connected());
  EXPECT_EQ(client.execute("query-status").error().code(), errc::unavailable);
}

TEST_F(qmp_client_test, hang_up_without_a_reply_is_unavailable) {
  qmp_client client = start([](const json&) { return reply{{}, /*hang_up=*/true}; });
  result<json> r = client.execute("quit", {}, 2s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::unavailable);
}

TEST_F(qmp_client_test, a_garbage_line_is_corruption_and_the_client_carries_on) {
  qmp_client client = start([](const json& request) {
    return reply{{"this is not json", fake_qmp_server::return_line(request, {{"n", 1}})}};
  });
  result<json> first = client.execute("query-status");
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code(), errc::corruption);
  result<json> second = client.execute("query-status");
  ASSERT_FALSE(second.ok());  // its own garbage line comes first again
  EXPECT_EQ(second.error().code(), errc::corruption);
  EXPECT_TRUE(client.connected());
}

TEST_F(qmp_client_test, wait_event_prefers_kept_events_and_keeps_the_others) {
  qmp_client client = start([](const json& request) {
    return reply{{R"({"event": "POWERDOWN"})", R"({"event": "OTHER"})",
                  fake_qmp_server::return_line(request, json::object()),
                  R"({"event": "SHUTDOWN"})"}};
  });
  ASSERT_TRUE(client.execute("system_powerdown").ok());
  result<json> powerdown = client.wait_event("POWERDOWN", 1s);
  ASSERT_TRUE(powerdown.ok());
  EXPECT_EQ(powerdown.value()["event"], "POWERDOWN");
  result<json> shutdown = client.wait_event("SHUTDOWN", 1s);  // arrives after the reply
  ASSERT_TRUE(shutdown.ok()) << shutdown.error().to_string();
  std::vector<json> rest = client.take_events();
  ASSERT_EQ(rest.size(), 1U);
  EXPECT_EQ(rest[0]["event"], "OTHER");
}

TEST_F(qmp_client_test, wait_event_times_out) {
  qmp_client client = start([](const json&) { return reply{}; });
  auto started = std::chrono::steady_clock::now();
  result<json> r = client.wait_event("SHUTDOWN", 30ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 30ms);
  EXPECT_TRUE(client.connected());
}

TEST_F(qmp_client_test, arguments_must_be_an_object_and_strings_valid_utf8) {
  qmp_client client = start([](const json&) { return reply{}; });
  EXPECT_EQ(client.execute("x", json::array({1})).error().code(), errc::invalid_argument);
  EXPECT_EQ(client.execute("bad\xff").error().code(), errc::invalid_argument);
  EXPECT_EQ(server_->requests().size(), 1U);  // nothing was sent
  EXPECT_TRUE(client.connected());
}

TEST_F(qmp_client_test, a_moved_client_keeps_the_connection) {
  qmp_client client = start([](const json& request) {
    return reply{{fake_qmp_server::return_line(request, {{"ok", 1}})}};
  });
  qmp_client moved{std::move(client)};
  EXPECT_FALSE(client.connected());  // NOLINT(bugprone-use-after-move): documented moved-from state
  EXPECT_EQ(client.execute("x").error().code(), errc::unavailable);
  ASSERT_TRUE(moved.execute("x").ok());
  qmp_client assigned = std::move(moved);
  ASSERT_TRUE(assigned.execute("x").ok());
}

TEST(qmp_client_connect, missing_socket_is_not_found) {
  temp_dir dir;
  result<qmp_client> r = qmp_client::connect(dir.file("absent.sock"), 1s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::not_found);
}

TEST(qmp_client_connect, socket_without_listener_is_unavailable) {
  temp_dir dir;
  // A socket file whose owner is gone, as a killed qemu leaves behind.
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = dir.file("q.sock");
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  result<qmp_client> r = qmp_client::connect(path, 1s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::unavailable) << r.error().to_string();
}

TEST(qmp_client_connect, silent_peer_times_out) {
  temp_dir dir;
  fake_qmp_server silent{dir.file("q.sock"), "", [](const json&) { return reply{}; }};
  auto started = std::chrono::steady_clock::now();
  result<qmp_client> r = qmp_client::connect(dir.file("q.sock"), 50ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST(qmp_client_connect, peer_that_is_not_qmp_is_corruption) {
  temp_dir dir;
  fake_qmp_server other{dir.file("q.sock"), R"({"hello": "world"})",
                        [](const json&) { return reply{}; }};
  result<qmp_client> r = qmp_client::connect(dir.file("q.sock"), 1s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::corruption);
}

TEST(qmp_client_connect, over_long_path_is_invalid_argument) {
  result<qmp_client> r = qmp_client::connect("/" + std::string(200, 'x'), 1s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::invalid_argument);
}

}  // namespace
}  // namespace kaso::qemu
