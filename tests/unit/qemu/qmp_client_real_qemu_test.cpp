// Against a real qemu-system-x86_64 (TCG, 64 MB, no guest; ~0.2 s each): the QMP client, and
// build_argv's output accepted by qemu as is, with ',' and '=' in every path, started directly
// and through vm.sh. qemu runs as a direct child (fork + execvp, no shell) and is killed if the
// test dies. Skipped when qemu-system-x86_64 is not installed.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "qemu/command_line.hpp"
#include "platform/signals.hpp"
#include "qemu/qmp_client.hpp"
#include "qemu/shell_script.hpp"
#include "temp_dir.hpp"

namespace kaso::qemu {
namespace {

using namespace std::chrono_literals;
using argv_t = std::vector<std::string>;

std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs{path != nullptr ? path : "/usr/bin:/bin"};
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return {};
}

// A child process that is killed and reaped when the test ends, however it ends.
class child_process {
 public:
  explicit child_process(const argv_t& argv) {
    std::vector<char*> args;
    for (const std::string& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) {
        ::_exit(126);
      }
      int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, STDIN_FILENO);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  ~child_process() {
    if (pid_ > 0 && !status_) {
      (void)platform::signal_process(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }

  // The wait status if the child exits within `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!status_) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
      } else if (std::chrono::steady_clock::now() >= deadline) {
        break;
      } else {
        std::this_thread::sleep_for(2ms);
      }
    }
    return status_;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Retries connect while qemu is still creating its socket (not_found / unavailable).
result<qmp_client> connect_when_ready(const std::string& socket, child_process& qemu) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    result<qmp_client> client = qmp_client::connect(socket, 2s);
    bool starting = !client.ok() && (client.error().code() == errc::not_found ||
                                     client.error().code() == errc::unavailable);
    if (!starting || std::chrono::steady_clock::now() >= deadline || qemu.wait_exit(0ms)) {
      return client;
    }
    std::this_thread::sleep_for(5ms);
  }
}

argv_t cmdline_of(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary};
  std::string bytes{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  argv_t words;
  for (std::size_t start = 0; start < bytes.size();) {
    std::size_t end = bytes.find('\0', start);
    words.push_back(bytes.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// quit, and qemu exits 0.
void quit_and_expect_exit(qmp_client& client, child_process& qemu) {
  result<nlohmann::json> quit = client.execute("quit");
  ASSERT_TRUE(quit.ok()) << quit.error().to_string();
  std::optional<int> status = qemu.wait_exit(10s);
  ASSERT_TRUE(status.has_value()) << "qemu did not exit after quit";
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

std::uint16_t free_tcp_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class real_qemu : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = find_in_path("qemu-system-x86_64");
    if (binary_.empty()) {
      GTEST_SKIP() << "qemu-system-x86_64 is not installed";
    }
    ASSERT_TRUE(dir_.ok());
  }

  // Every option build_argv has for Linux x86_64 TCG, with ',' and '=' in names and paths.
  machine_spec awkward_spec() {
    std::ofstream{dir_.file("seed.img"), std::ios::binary} << std::string(1 << 20, '\0');
    std::ofstream{dir_.file("config,=.ign")} << "{}";
    machine_spec s;
    s.qemu_binary = binary_;
    s.name = "kaso,test=1";
    s.ram_mb = 64;
    s.disks = {{dir_.file("seed.img"), disk_format::raw, true}};
    nic n;
    n.kind = nic_kind::user_restricted;
    n.mac = "52:54:00:12:34:56";
    n.cidr = "10.0.2.0/24";
    n.dhcp_start = "10.0.2.15";
    n.dns = "10.0.2.3";
    n.host_addr = "10.0.2.2";
    n.port_forwards = {{"tcp", "127.0.0.1", free_tcp_port(), 22}};
    n.guest_forwards = {{"10.0.2.100", 80, {"nc", "127.0.0.1", "41234"}}};
    s.nics = {n};
    s.qmp_socket = dir_.file("qmp.sock");
    s.serial_socket = dir_.file("serial.sock");
    s.smbios = {{1, {{"serial", "ds=nocloud-net;s=http://10.0.2.100/a,b"}}}};
    s.fw_cfg_files = {{"opt/com.coreos/config", dir_.file("config,=.ign")}};
    s.pid_file = dir_.file("qemu.pid");
    return s;
  }

  std::string binary_;
  temp_dir dir_{"kaso-qemu,=test-"};
};

TEST_F(real_qemu, qmp_query_status_then_quit) {
  std::string socket = dir_.file("qmp.sock");
  child_process qemu{{binary_, "-machine", "q35", "-accel", "tcg", "-m", "64", "-nodefaults",
                      "-display", "none", "-qmp",
                      "unix:" + escape_option_value(socket) + ",server=on,wait=off"}};
  result<qmp_client> client = connect_when_ready(socket, qemu);
  ASSERT_TRUE(client.ok()) << client.error().to_string();
  EXPECT_TRUE(client->greeting()["QMP"].contains("version"));
  result<nlohmann::json> status = client->execute("query-status");
  ASSERT_TRUE(status.ok()) << status.error().to_string();
  EXPECT_EQ(status.value()["status"], "running");
  result<nlohmann::json> unknown = client->execute("no-such-command");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), errc::not_found) << unknown.error().to_string();
  quit_and_expect_exit(*client, qemu);
}

TEST_F(real_qemu, accepts_build_argv_output_with_awkward_paths) {
  result<argv_t> argv = build_argv(awkward_spec());
  ASSERT_TRUE(argv.ok()) << argv.error().to_string();
  child_process qemu{argv.value()};
  result<qmp_client> client = connect_when_ready(dir_.file("qmp.sock"), qemu);
  ASSERT_TRUE(client.ok()) << client.error().to_string();
  EXPECT_EQ(client->execute("query-status").value()["status"], "running");
  EXPECT_EQ(client->execute("query-name").value()["name"], "kaso,test=1");
  std::ifstream pid_file{dir_.file("qemu.pid")};
  pid_t written = 0;
  pid_file >> written;
  EXPECT_EQ(written, qemu.pid());
  EXPECT_EQ(::access(dir_.file("serial.sock").c_str(), F_OK), 0);
  quit_and_expect_exit(*client, qemu);
}

TEST_F(real_qemu, vm_sh_runs_exactly_the_same_argv) {
  result<argv_t> argv = build_argv(awkward_spec());
  ASSERT_TRUE(argv.ok()) << argv.error().to_string();
  std::string script = dir_.file("vm.sh");
  std::ofstream{script} << to_shell_script(argv.value());
  child_process qemu{{"/bin/sh", script}};
  result<qmp_client> client = connect_when_ready(dir_.file("qmp.sock"), qemu);
  ASSERT_TRUE(client.ok()) << client.error().to_string();
  EXPECT_EQ(cmdline_of(qemu.pid()), argv.value());  // sh exec'd qemu in place
  quit_and_expect_exit(*client, qemu);
}

}  // namespace
}  // namespace kaso::qemu
