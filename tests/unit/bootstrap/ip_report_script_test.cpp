// The IP report program of user-data's runcmd, run for real as cloud-init would run it
// (`python3 -c SCRIPT URL`) against a one-shot HTTP listener on 127.0.0.1: it must POST exactly
// what `ip -4 -o addr show scope global` prints, as text/plain, and exit 0.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <future>
#include <string>

#include "bootstrap/cloud_init.hpp"
#include "platform/unique_fd.hpp"
#include "test_support.hpp"

namespace kaso::bootstrap {
namespace {

using platform::unique_fd;

// A listening socket on 127.0.0.1 with a kernel-chosen port.
unique_fd listen_on_loopback(int& port) {
  unique_fd fd{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(fd.get(), 4) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return unique_fd{};
  }
  port = ntohs(addr.sin_port);
  return fd;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Accepts one connection (within 60 s), reads one request with a Content-Length, answers 200
// and returns the raw request; "" when nothing came.
std::string receive_one_request(int listener) {
  pollfd p{listener, POLLIN, 0};
  if (::poll(&p, 1, 60'000) != 1) return "";
  unique_fd conn{::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC)};
  std::string request;
  char buffer[4096];
  for (;;) {
    const std::size_t head_end = request.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const std::string head = lowercase(request.substr(0, head_end));
      const std::size_t at = head.find("content-length:");
      const std::size_t body_size = at == std::string::npos ? 0 : std::stoul(head.substr(at + 15));
      if (request.size() >= head_end + 4 + body_size) break;
    }
    pollfd c{conn.get(), POLLIN, 0};
    if (::poll(&c, 1, 30'000) != 1) break;
    const ssize_t n = ::read(conn.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    request.append(buffer, static_cast<std::size_t>(n));
  }
  const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  (void)!::write(conn.get(), answer.data(), answer.size());
  return request;
}

TEST(ip_report_script, posts_the_global_ipv4_addresses_as_text_and_exits_0) {
  const std::string addresses =
      testing::run_ok({"ip", "-4", "-o", "addr", "show", "scope", "global"});
  if (addresses.find_first_not_of(" \n") == std::string::npos) {
    GTEST_SKIP() << "this host has no global IPv4 address: the script would keep retrying";
  }
  int port = 0;
  unique_fd listener = listen_on_loopback(port);
  ASSERT_TRUE(listener.valid());
  auto request = std::async(std::launch::async, receive_one_request, listener.get());

  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/ip-report?instance=7";
  testing::run_ok({"python3", "-c", std::string{ip_report_script()}, url});

  const std::string received = request.get();
  const std::size_t head_end = received.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << received;
  const std::string head = received.substr(0, head_end);
  EXPECT_EQ(head.substr(0, head.find("\r\n")), "POST /ip-report?instance=7 HTTP/1.1");
  EXPECT_NE(lowercase(head + "\r\n").find("\r\ncontent-type: text/plain\r\n"), std::string::npos)
      << head;
  EXPECT_EQ(received.substr(head_end + 4), addresses);
}

}  // namespace
}  // namespace kaso::bootstrap
