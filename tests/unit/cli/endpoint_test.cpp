// parse_endpoint: the values --server accepts.
#include "cli/endpoint.hpp"

#include <gtest/gtest.h>

namespace kaso::cli {
namespace {

TEST(parse_endpoint, unix_socket) {
  auto e = parse_endpoint("unix:/home/u/var/kaso/kaso.sock");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->how, endpoint::kind::unix_socket);
  EXPECT_EQ(e->socket, "/home/u/var/kaso/kaso.sock");
  EXPECT_EQ(e->to_string(), "unix:/home/u/var/kaso/kaso.sock");
}

TEST(parse_endpoint, http_host_and_port) {
  auto e = parse_endpoint("http://127.0.0.1:8000");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->how, endpoint::kind::http);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 8000);
  EXPECT_EQ(e->to_string(), "http://127.0.0.1:8000");
  auto slash = parse_endpoint("http://localhost:8000/");
  ASSERT_TRUE(slash);
  EXPECT_EQ(slash->host, "localhost");
}

TEST(parse_endpoint, http_ipv6_literal) {
  auto e = parse_endpoint("http://[::1]:8000");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 8000);
  EXPECT_EQ(e->to_string(), "http://[::1]:8000");
}

TEST(parse_endpoint, rejects_everything_else) {
  for (const char* bad : {"", "unix:", "/tmp/kaso.sock", "http://host", "http://:80", "http://h:0",
                          "http://h:65536", "http://h:80x", "https://h:443", "ftp://h:21",
                          "http://[::1]8000", "http://h/p:80"}) {
    auto e = parse_endpoint(bad);
    ASSERT_FALSE(e) << bad;
    EXPECT_EQ(e.error().code(), errc::invalid_argument);
    EXPECT_EQ(e.error().message(), "invalid --server '" + std::string(bad) +
                                       "': expected unix:PATH or http://HOST:PORT");
  }
}

TEST(default_endpoint, is_the_socket_of_the_configuration) {
  config cfg;
  cfg.path = "/srv/kaso";
  EXPECT_EQ(default_endpoint(cfg).to_string(), "unix:/srv/kaso/kaso.sock");
}

}  // namespace
}  // namespace kaso::cli
