// Reaching kaso-server: an absent or stale socket, the configuration that names it, and the
// http:// transport with its bearer token. Each test makes its own directory and configuration.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "config/config.hpp"
#include "run_kaso.hpp"
#include "verb_fixture.hpp"

namespace kaso::cli {
namespace {

using testing::fake_api_server;
using testing::run_kaso;
using testing::write_file;

TEST(connection, an_absent_socket_is_exit_1_with_one_line) {
  testing::temp_dir dir;
  auto socket = dir.path() / "kaso.sock";
  auto config = write_file(dir.path() / "kaso.json", "{}");
  auto r = run_kaso({"-c", config.string(), "--server",
                     "unix:" + socket.string(), "identity", "list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: cannot connect to kaso-server at unix:" + socket.string() +
                       ": no such socket (is kaso-server running?)\n");
}

TEST(connection, a_stale_socket_is_connection_refused) {
  // A socket file that nobody listens on, as a crashed server leaves behind.
  testing::temp_dir dir;
  auto socket = dir.path() / "kaso.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  ASSERT_TRUE(std::filesystem::exists(socket));
  auto config = write_file(dir.path() / "kaso.json", "{}");
  auto r = run_kaso({"-c", config.string(), "--server",
                     "unix:" + socket.string(), "server", "info"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: cannot connect to kaso-server at unix:" + socket.string() +
                       ": connection refused (is kaso-server running?)\n");
}

TEST(connection, the_default_server_is_the_configured_socket) {
  testing::temp_dir dir;
  auto config = write_file(dir.path() / "kaso.json",
                           nlohmann::json{{"path", (dir.path() / "var").string()}}.dump());
  auto r = run_kaso({"-c", config.string(), "identity", "list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "kaso: cannot connect to kaso-server at unix:" +
                       (dir.path() / "var" / "kaso.sock").string() +
                       ": no such socket (is kaso-server running?)\n");
}

TEST(connection, a_missing_configuration_file_given_with_c_is_exit_1) {
  testing::temp_dir dir;
  auto config = dir.path() / "absent.json";
  auto r = run_kaso({"-c", config.string(), "identity", "list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: configuration file " + config.string() + " does not exist\n");
}

TEST(connection, a_broken_configuration_is_exit_1) {
  testing::temp_dir dir;
  auto config = write_file(dir.path() / "kaso.json", "[1, 2]");
  auto r = run_kaso({"-c", config.string(), "identity", "list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_EQ(r.err.rfind("kaso: ", 0), 0u) << r.err;
}

TEST(http_transport, sends_the_bearer_token_from_the_configuration) {
  fake_api_server server(fake_api_server::transport::tcp);
  server.answer("GET", "/api/v1/identities", 200, nlohmann::json::array());
  auto loaded = load_config(server.config_file());
  ASSERT_TRUE(loaded);
  write_file(loaded->config.token_path, "s3cret-token\n");

  auto r = run_kaso(server, {"identity", "list", "-o", "json"});

  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "[]\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("Authorization"), "Bearer s3cret-token");
}

TEST(http_transport, without_a_token_file_sends_no_authorization) {
  fake_api_server server(fake_api_server::transport::tcp);
  server.answer("GET", "/api/v1/server", 200, nlohmann::json::object());
  auto r = run_kaso(server, {"server", "info", "-o", "json"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("Authorization"), "");
}

}  // namespace
}  // namespace kaso::cli
