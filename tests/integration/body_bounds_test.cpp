// Issue #15, item 1: no listener reads a body it cannot bound. A chunked body, or a POST without
// Content-Length, is answered 411 at once, before any of it is read (the server used to read a
// chunked body whole, past the 1 MiB limit, and a POST without length until the peer closed), and
// nothing is recorded: on the API's Unix socket, on the TCP listener (after the token check), and
// on an instance's guest listener.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "instance_fixture.hpp"
#include "platform/free_port.hpp"

namespace kaso::testing {
namespace {

namespace fs = std::filesystem;

// Sends `request` on `fd` (as much of it as the peer takes) and reads one whole response (headers
// and Content-Length bytes), waiting at most 5 s for each byte: a server still waiting for the
// rest of a body answers nothing.
std::string send_and_read(int fd, const std::string& request) {
  if (fd < 0) return "";
  timeval five{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof(five));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &five, sizeof(five));
  for (std::size_t sent = 0; sent < request.size();) {
    auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server stopped reading (it answered already)
    sent += static_cast<std::size_t>(n);
  }
  std::string out;
  char buffer[4096];
  while (true) {
    auto end = out.find("\r\n\r\n");
    if (end != std::string::npos) {
      auto at = out.find("Content-Length: ");
      std::size_t length = at == std::string::npos ? 0 : std::stoul(out.substr(at + 16));
      if (out.size() >= end + 4 + length) break;
    }
    auto n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

int connect_tcp(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Headers and the first 1 MiB chunk of a chunked POST whose end never comes.
std::string chunked_post(const std::string& path, const std::string& extra_headers = "") {
  std::string chunk(1 << 20, 'x');
  char size[16];
  std::snprintf(size, sizeof(size), "%zx", chunk.size());
  return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers +
         "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + chunk + "\r\n";
}

// A POST without Content-Length whose body never ends.
std::string unsized_post(const std::string& path) {
  return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\r\n{\"name\":";
}

// What a refused POST /identities would have recorded. (Not all events: the predefined networks
// are recorded just after the server starts answering.)
std::size_t event_count(const server_harness& s) { return s.get_json("/api/v1/events?kind=identity").size(); }

TEST(body_bounds_it, issue_15_the_api_socket_refuses_bodies_it_cannot_bound_before_reading_them) {
  server_harness s;
  s.start();
  const auto before = event_count(s);
  for (const auto& request : {chunked_post("/api/v1/identities"), unsized_post("/api/v1/identities")}) {
    auto answer = send_and_read(connect_unix(s.socket()), request);
    EXPECT_EQ(answer.rfind("HTTP/1.1 411", 0), 0u) << "answered at once, not after reading: " << answer.substr(0, 200);
    EXPECT_NE(answer.find("\"length_required\""), std::string::npos) << answer.substr(0, 300);
  }
  EXPECT_EQ(event_count(s), before) << "nothing recorded";
  // What the CLI sends (Content-Length, also an empty POST) is read as before.
  EXPECT_EQ(s.call("POST", "/api/v1/identities", {{"name", "x"}, {"password", "p"}}).status, 201);
  EXPECT_EQ(s.call("POST", "/api/v1/tasks/999/cancel").status, 404);
}

TEST(body_bounds_it, issue_15_the_tcp_listener_checks_the_token_first_then_the_body) {
  server_harness s;
  auto free = platform::free_loopback_port();
  ASSERT_TRUE(free.ok());
  const int port = *free;
  s.write_config({{"tcp_listener", true}, {"default_server_port", port}});
  s.start();
  std::string token;
  std::getline(std::ifstream(s.root() / ".kaso.token"), token);
  const auto before = event_count(s);
  auto anonymous = send_and_read(connect_tcp(port), chunked_post("/api/v1/identities"));
  EXPECT_EQ(anonymous.rfind("HTTP/1.1 401", 0), 0u) << anonymous.substr(0, 200);
  auto bearer = "Authorization: Bearer " + token + "\r\n";
  auto known = send_and_read(connect_tcp(port), chunked_post("/api/v1/identities", bearer));
  EXPECT_EQ(known.rfind("HTTP/1.1 411", 0), 0u) << known.substr(0, 200);
  EXPECT_EQ(event_count(s), before);
}

TEST(body_bounds_it, issue_15_a_guest_cannot_send_a_body_it_does_not_size) {
  fixture f;
  auto vm = f.create("vm1", {{"bootstrapper", "ci"}});
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/start").status, 200);
  auto socket = fs::path(vm["path"].get<std::string>()) / "guest.sock";
  for (const auto& request : {chunked_post("/phone-home"), unsized_post("/ip")}) {
    auto answer = send_and_read(connect_unix(socket), request);
    EXPECT_EQ(answer.rfind("HTTP/1.1 411", 0), 0u) << answer.substr(0, 200);
  }
  auto types = event_types(f.s, "instance");
  EXPECT_EQ(std::count(types.begin(), types.end(), "instance.phoned_home"), 0);
  EXPECT_EQ(std::count(types.begin(), types.end(), "instance.ip_reported"), 0);
  EXPECT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).status, 200);
}

// Issue #15, item 5: a guest flooding its listener gets 429 after a burst, and what it repeats
// is recorded once.
TEST(body_bounds_it, issue_15_a_guest_flood_is_limited_and_repeats_record_nothing) {
  fixture f;
  auto vm = f.create("vm1", {{"bootstrapper", "ci"}});
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/start").status, 200);
  auto socket = fs::path(vm["path"].get<std::string>()) / "guest.sock";
  const std::string form = "pub_key_ed25519=ssh-ed25519+AAAAC3NzaC1lZDI1NTE5AAAAIKx+root%40vm1%0A&hostname=vm1";
  const std::string post = "POST /phone-home HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                           "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                           std::to_string(form.size()) + "\r\n\r\n" + form;
  int served = 0, limited = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < 60; ++k) {
    auto answer = send_and_read(connect_unix(socket), post);
    if (answer.rfind("HTTP/1.1 200", 0) == 0) ++served;
    if (answer.rfind("HTTP/1.1 429", 0) == 0) ++limited;
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(served, 20);
  EXPECT_LE(served, 20 + seconds + 1) << "20 at once, then one a second";
  EXPECT_EQ(served + limited, 60);
  // Reports are recorded after they are answered: wait for the first, then count.
  auto phoned = [&] {
    auto types = event_types(f.s, "instance");
    return std::count(types.begin(), types.end(), "instance.phoned_home");
  };
  EXPECT_TRUE(eventually([&] { return phoned() > 0; }));
  EXPECT_EQ(phoned(), 1) << "recorded once";
  EXPECT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).status, 200);
}

}  // namespace
}  // namespace kaso::testing
