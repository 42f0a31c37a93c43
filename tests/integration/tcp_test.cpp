// The optional TCP listener: off by default, loopback only unless told otherwise, and every
// request needs the bearer token made at first start (mode 0600, beside the configuration).
// A request without it is answered 401 and changes nothing. Issue #7 (access).
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "server_harness.hpp"

namespace kaso::testing {
namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(tcp_it, every_request_needs_the_token_and_a_refused_one_changes_nothing) {
  server_harness s;
  int port = free_port();
  s.write_config({{"tcp_listener", true}, {"default_server_port", port}});
  s.start();
  auto token_file = s.root() / ".kaso.token";
  struct stat st {};
  ASSERT_EQ(stat(token_file.c_str(), &st), 0) << "the token is made at first start";
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string token;
  std::getline(std::ifstream(token_file), token);
  EXPECT_EQ(token.size(), 64u);

  httplib::Client tcp("127.0.0.1", port);
  auto bare = tcp.Get("/api/v1/server");
  ASSERT_TRUE(bare) << "the listener answers";
  EXPECT_EQ(bare->status, 401);
  EXPECT_EQ(nlohmann::json::parse(bare->body)["error"]["code"], "unauthenticated");
  tcp.set_bearer_token_auth(std::string(64, '0'));
  auto wrong = tcp.Post("/api/v1/identities", R"({"name":"x","password":"p"})", "application/json");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_TRUE(s.get_json("/api/v1/events?kind=identity").empty()) << "nothing happened";

  tcp.set_bearer_token_auth(token);
  auto ok = tcp.Post("/api/v1/identities", R"({"name":"x","password":"p"})", "application/json");
  ASSERT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(s.get_json("/api/v1/events?kind=identity")[0]["cause"]["origin"], "tcp");

  // The CLI reads the token from beside its configuration.
  auto cli = platform::run_process({KASO_CLI_BIN, "-c", s.config_file().string(), "--server",
                                    "http://127.0.0.1:" + std::to_string(port), "identity", "list", "-o", "json"},
                                   std::chrono::seconds(30));
  ASSERT_TRUE(cli.ok());
  EXPECT_EQ(cli->exit_code, 0) << cli->stderr_text;
  EXPECT_EQ(nlohmann::json::parse(cli->stdout_text)[0]["name"], "x");
  s.stop();
  s.start();
  std::string again;
  std::getline(std::ifstream(token_file), again);
  EXPECT_EQ(again, token) << "the token is kept across restarts";
}

TEST(tcp_it, there_is_no_tcp_listener_unless_configured) {
  server_harness s;
  int port = free_port();
  s.write_config({{"default_server_port", port}});
  s.start();
  httplib::Client tcp("127.0.0.1", port);
  EXPECT_FALSE(tcp.Get("/api/v1/server")) << "nothing listens";
  EXPECT_FALSE(std::filesystem::exists(s.root() / ".kaso.token"));
}

TEST(tcp_it, a_non_loopback_address_needs_an_explicit_opt_in) {
  server_harness s;
  s.write_config({{"tcp_listener", true}, {"default_server_host", "0.0.0.0"}, {"default_server_port", free_port()}});
  auto r = platform::run_process({KASO_SERVER_BIN, "-c", s.config_file().string(), "-p", s.state_path().string()},
                                 std::chrono::seconds(30));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_NE(r->stderr_text.find("not a loopback address"), std::string::npos) << r->stderr_text;
}

}  // namespace
}  // namespace kaso::testing
