// See server_harness.hpp.
#include "server_harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "platform/signals.hpp"

namespace kaso::testing {
namespace {

bool can_connect(const std::filesystem::path& socket) {
  const int fd = connect_unix(socket);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

}  // namespace

int connect_unix(const std::filesystem::path& path, int flags) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) return fd;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return -1;
}

std::string write_and_read_all(int fd, const std::string& request) {
  std::string out;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

temp_dir::temp_dir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  path = mkdtemp(tmpl.data());
}

temp_dir::~temp_dir() {
  if (const char* keep = std::getenv("KASO_TEST_KEEP"); keep != nullptr && std::string(keep) == "1") {
    std::cerr << "[kaso test] kept " << path << "\n";
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

server_harness::server_harness(const std::string& prefix) : dir_(prefix) {
  std::ofstream(dir_.path / "kaso.json") << "{}";
}

server_harness::~server_harness() {
  if (pid_ > 0) kill9();
}

void server_harness::write_config(const nlohmann::json& config) {
  std::ofstream(config_file()) << config.dump();
}

void server_harness::set_env(std::string name, std::string value) {
  env_.emplace_back(std::move(name), std::move(value));
}

void server_harness::start() {
  ASSERT_LT(pid_, 0) << "already started";
  std::error_code ec;
  std::filesystem::remove(socket(), ec);
  std::string log_file = (dir_.path / "server.log").string();
  std::string config = (dir_.path / "kaso.json").string();
  std::string path = state_path().string();
  // The environment, made before the fork: ours with env_ laid over it.
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    bool replaced = false;
    for (const auto& [name, value] : env_) replaced = replaced || entry.rfind(name + "=", 0) == 0;
    if (!replaced) env.push_back(std::move(entry));
  }
  for (const auto& [name, value] : env_) env.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_ = fork();
  ASSERT_GE(pid_, 0);
  if (pid_ == 0) {
    int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    execle(KASO_SERVER_BIN, "kaso-server", "-c", config.c_str(), "-p", path.c_str(), "--log-level",
           "debug", static_cast<char*>(nullptr), envp.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!can_connect(socket())) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL() << "kaso-server exited during start:\n" << log();
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "kaso-server did not listen:\n" << log();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

int server_harness::stop() {
  if (pid_ <= 0) return -1;
  if (!signal_child(pid_, SIGTERM)) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void server_harness::kill9() {
  if (pid_ <= 0) return;
  if (!signal_child(pid_, SIGKILL)) return;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string server_harness::log() const {
  std::ifstream in(dir_.path / "server.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

platform::process_output server_harness::kaso(const std::vector<std::string>& args,
                                              std::chrono::seconds timeout) const {
  std::vector<std::string> argv = {KASO_CLI_BIN, "--server", "unix:" + socket().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = platform::run_process(argv, timeout);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r.value() : platform::process_output{};
}

nlohmann::json server_harness::kaso_json(std::vector<std::string> args, std::chrono::seconds timeout) const {
  std::string what = "kaso";
  for (const auto& a : args) what += " " + a;
  args.insert(args.end(), {"-o", "json"});
  auto out = kaso(args, timeout);
  EXPECT_EQ(out.exit_code, 0) << what << ": " << out.stderr_text;
  auto j = nlohmann::json::parse(out.stdout_text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << what << ": " << out.stdout_text;
  return j.is_discarded() ? nlohmann::json() : j;
}

std::unique_ptr<httplib::Client> server_harness::http(std::chrono::seconds read_timeout) const {
  auto c = std::make_unique<httplib::Client>(socket().string());
  c->set_address_family(AF_UNIX);
  c->set_read_timeout(read_timeout);
  return c;
}

reply server_harness::call(const std::string& method, const std::string& path, const nlohmann::json& body,
                           std::chrono::seconds read_timeout) const {
  auto c = http(read_timeout);
  std::string text = body.is_null() ? "" : body.dump();
  httplib::Result r = method == "POST"     ? c->Post(path, text, "application/json")
                      : method == "PATCH"  ? c->Patch(path, text, "application/json")
                      : method == "DELETE" ? c->Delete(path)
                                           : c->Get(path);
  if (!r) return {};
  return {r->status, nlohmann::json::parse(r->body, nullptr, false), r->get_header_value("X-Kaso-Correlation")};
}

nlohmann::json server_harness::get_json(const std::string& path) const {
  auto res = http()->Get(path.c_str());
  EXPECT_TRUE(res) << "no answer to GET " << path;
  if (!res) return {};
  EXPECT_EQ(res->status, 200) << "GET " << path << ": " << res->body;
  return nlohmann::json::parse(res->body, nullptr, false);
}

std::filesystem::path make_ssh_key(const std::filesystem::path& dir, const std::string& name) {
  auto key = dir / name;
  auto r = platform::run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name + "@test",
                                  "-f", key.string()},
                                 std::chrono::seconds(30));
  EXPECT_TRUE(r.ok() && r->succeeded()) << "ssh-keygen failed";
  return key.string() + ".pub";
}

::testing::AssertionResult kill_qemu(pid_t pid, int sig) {
  auto sent = platform::signal_program(pid, sig, "qemu-system");
  if (sent.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << sent.error().message();
}

::testing::AssertionResult signal_child(pid_t pid, int sig) {
  auto sent = platform::signal_process(pid, sig);
  if (sent.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << sent.error().message();
}

bool alive(pid_t pid) { return platform::process_exists(pid); }

}  // namespace kaso::testing
