// launch and stop against a real qemu-system-x86_64 (TCG, 64 MB, no disk: it sits in SeaBIOS,
// which ignores ACPI power buttons), plus exit_watcher on a qemu. ~0.2 s per qemu. Skipped when
// qemu-system-x86_64 is not installed. No network: -nic none.
#include "qemu/vm_process.hpp"
#include "platform/signals.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "platform/exit_watcher.hpp"
#include "qemu/command_line.hpp"
#include "temp_dir.hpp"

namespace kaso::qemu {
namespace {

using namespace std::chrono_literals;
using platform::exit_status;
using platform::process_handle;

bool qemu_installed() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs{path != nullptr ? path : "/usr/bin:/bin"};
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (::access((dir + "/qemu-system-x86_64").c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string read_text(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

// True when no process on the host has `needle` in its command line, and we have no child left
// (running or zombie).
bool nothing_left_running(const std::string& needle) {
  siginfo_t info{};
  if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0) return false;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return false;
  bool found = false;
  while (dirent* entry = ::readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::string cmdline = read_text(std::string{"/proc/"} + entry->d_name + "/cmdline");
    found = found || cmdline.find(needle) != std::string::npos;
  }
  ::closedir(proc);
  return !found;
}

// Leaves a socket file nobody listens on at path, as a crashed qemu would.
void make_stale_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::close(fd);
}

// At scope exit, a qemu the test left running is killed and reaped.
class vm_reaper {
 public:
  explicit vm_reaper(process_handle& process) : process_(process) {}
  ~vm_reaper() {
    if (!process_.valid() || platform::poll_exit(process_)) return;
    (void)platform::send_signal(process_, SIGKILL);
    (void)platform::wait_exit(process_, 10s);
  }
  vm_reaper(const vm_reaper&) = delete;
  vm_reaper& operator=(const vm_reaper&) = delete;

 private:
  process_handle& process_;
};

class vm_process_real_qemu : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!qemu_installed()) GTEST_SKIP() << "qemu-system-x86_64 is not installed";
    ASSERT_TRUE(dir_.ok());
  }

  launch_options options(std::vector<std::string> extra = {}) {
    launch_options o;
    o.qmp_socket = dir_.file("qmp.sock");
    o.argv = {"qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-m", "64", "-nodefaults",
              "-display", "none", "-nic", "none", "-qmp",
              "unix:path=" + escape_option_value(o.qmp_socket) + ",server=on,wait=off"};
    o.argv.insert(o.argv.end(), extra.begin(), extra.end());
    o.log_file = dir_.file("qemu.log");
    o.timeout = 20s;
    return o;
  }

  temp_dir dir_{"kaso-vm-"};
};

TEST_F(vm_process_real_qemu, launch_reaches_running_and_qmp_answers) {
  const launch_options o = options();
  auto vm = launch(o);
  ASSERT_TRUE(vm.ok()) << vm.error().to_string();
  vm_reaper guard{vm->process};
  EXPECT_TRUE(vm->process.is_child());
  EXPECT_EQ(::getsid(vm->process.pid()), vm->process.pid());
  EXPECT_EQ(platform::process_cmdline(vm->process.pid()).value(), o.argv);
  auto status = vm->qmp.execute("query-status");
  ASSERT_TRUE(status.ok()) << status.error().to_string();
  EXPECT_EQ((*status)["status"], "running");
  auto stopped = stop(vm->process, &vm->qmp, 5s, true);
  ASSERT_TRUE(stopped.ok()) << stopped.error().to_string();
}

// Issue #15: only this instance's qemu, started when it was recorded, is ever adopted.
TEST_F(vm_process_real_qemu, issue_15_check_adoptable_recognises_only_the_instance_qemu) {
  const launch_options o = options();
  auto vm = launch(o);
  ASSERT_TRUE(vm.ok()) << vm.error().to_string();
  vm_reaper guard{vm->process};
  const pid_t pid = vm->process.pid();
  const auto started = platform::process_start_time(pid).value();
  EXPECT_TRUE(check_adoptable(pid, started, o.qmp_socket).ok());
  EXPECT_EQ(check_adoptable(pid, 0, o.qmp_socket).error().code(), errc::invalid_argument) << "0 proves nothing";
  EXPECT_EQ(check_adoptable(pid, started + 1, o.qmp_socket).error().code(), errc::conflict);
  EXPECT_EQ(check_adoptable(pid, started, dir_.file("other.sock")).error().code(), errc::conflict);
  EXPECT_EQ(check_adoptable(0, started, o.qmp_socket).error().code(), errc::invalid_argument);
  // A process that is not a qemu, with its true start time.
  auto sleeper = platform::spawn_detached({"sleep", "30"}, {});
  ASSERT_TRUE(sleeper.ok());
  vm_reaper sleeper_guard{*sleeper};
  auto its_start = platform::process_start_time(sleeper->pid()).value();
  auto refused = check_adoptable(sleeper->pid(), its_start, o.qmp_socket);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("is not a qemu"), std::string::npos) << refused.error().message();
  EXPECT_TRUE(stop(vm->process, &vm->qmp, 0s, true).ok());
}

TEST_F(vm_process_real_qemu, bad_option_fails_with_the_log_and_leaves_no_process) {
  auto vm = launch(options({"-kaso-no-such-option"}));
  ASSERT_FALSE(vm.ok());
  EXPECT_EQ(vm.error().code(), errc::unavailable);
  EXPECT_NE(vm.error().message().find("exited with code 1"), std::string::npos)
      << vm.error().message();
  EXPECT_NE(vm.error().message().find("-kaso-no-such-option: invalid option"), std::string::npos)
      << vm.error().message();
  EXPECT_TRUE(nothing_left_running(dir_.path()));
}

TEST_F(vm_process_real_qemu, paused_qemu_times_out_and_is_killed) {
  launch_options o = options({"-S"});  // stays in "prelaunch", never "running"
  o.timeout = 1500ms;
  auto vm = launch(o);
  ASSERT_FALSE(vm.ok());
  EXPECT_EQ(vm.error().code(), errc::timeout);
  EXPECT_NE(vm.error().message().find("prelaunch"), std::string::npos) << vm.error().message();
  EXPECT_TRUE(nothing_left_running(dir_.path()));
}

TEST_F(vm_process_real_qemu, forced_stop_ends_by_quit_with_exit_code_0) {
  auto vm = launch(options());
  ASSERT_TRUE(vm.ok()) << vm.error().to_string();
  vm_reaper guard{vm->process};
  auto stopped = stop(vm->process, &vm->qmp, 30s, true);
  ASSERT_TRUE(stopped.ok()) << stopped.error().to_string();
  EXPECT_EQ(stopped->ended_by, stop_step::quit);
  EXPECT_EQ(stopped->status, (exit_status{true, 0, 0, true}));
  EXPECT_TRUE(nothing_left_running(dir_.path()));
}

TEST_F(vm_process_real_qemu, graceful_stop_falls_back_to_quit_when_acpi_is_ignored) {
  auto vm = launch(options());
  ASSERT_TRUE(vm.ok()) << vm.error().to_string();
  vm_reaper guard{vm->process};
  auto stopped = stop(vm->process, &vm->qmp, 300ms, false);
  ASSERT_TRUE(stopped.ok()) << stopped.error().to_string();
  EXPECT_EQ(stopped->ended_by, stop_step::quit);
  EXPECT_EQ(stopped->status, (exit_status{true, 0, 0, true}));
  EXPECT_FALSE(platform::process_exists(vm->process.pid()));  // gone and reaped
  EXPECT_TRUE(nothing_left_running(dir_.path()));
}

TEST_F(vm_process_real_qemu, stop_without_qmp_falls_through_to_signals) {
  auto vm = launch(options());
  ASSERT_TRUE(vm.ok()) << vm.error().to_string();
  vm_reaper guard{vm->process};
  auto stopped = stop(vm->process, nullptr, 300ms, false);
  ASSERT_TRUE(stopped.ok()) << stopped.error().to_string();
  EXPECT_EQ(stopped->ended_by, stop_step::quit);  // SIGTERM: qemu shuts down cleanly
  EXPECT_EQ(stopped->status, (exit_status{true, 0, 0, true}));
  EXPECT_TRUE(nothing_left_running(dir_.path()));
}

TEST_F(vm_process_real_qemu, exit_watcher_sees_sigkill_of_qemu) {
  auto vm = launch(options());
  ASSERT_TRUE(vm.ok()) << vm.error().to_string();
  vm_reaper guard{vm->process};
  const pid_t pid = vm->process.pid();
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<exit_status> seen;
  auto watcher = platform::exit_watcher::start(std::move(vm->process), [&](exit_status s) {
    std::lock_guard lock{mutex};
    seen.push_back(s);
    changed.notify_all();
  });
  ASSERT_TRUE(watcher.ok()) << watcher.error().to_string();
  ASSERT_TRUE(platform::signal_program(pid, SIGKILL, "qemu-system").ok());
  {
    std::unique_lock lock{mutex};
    ASSERT_TRUE(changed.wait_for(lock, 10s, [&] { return !seen.empty(); }));
  }
  (*watcher)->stop();
  vm->process = (*watcher)->release();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], (exit_status{false, -1, 9, true}));

  auto stopped = stop(vm->process, &vm->qmp, 300ms, false);  // already over: nothing to do
  ASSERT_TRUE(stopped.ok()) << stopped.error().to_string();
  EXPECT_EQ(stopped->status.signal, 9);
  EXPECT_TRUE(nothing_left_running(dir_.path()));
}

TEST_F(vm_process_real_qemu, stale_socket_is_replaced) {
  const launch_options o = options();
  make_stale_socket(o.qmp_socket);
  ASSERT_EQ(::access(o.qmp_socket.c_str(), F_OK), 0);
  auto vm = launch(o);
  ASSERT_TRUE(vm.ok()) << vm.error().to_string();
  vm_reaper guard{vm->process};
  EXPECT_EQ(vm->qmp.execute("query-status").value()["status"], "running");

  auto second = launch(o);  // the same socket, now live: refused, the first qemu untouched
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), errc::conflict) << second.error().to_string();
  EXPECT_EQ(vm->qmp.execute("query-status").value()["status"], "running");
  EXPECT_TRUE(stop(vm->process, &vm->qmp, 5s, true).ok());
}

TEST_F(vm_process_real_qemu, a_file_that_is_not_a_socket_is_left_alone) {
  const launch_options o = options();
  std::ofstream{o.qmp_socket} << "precious";
  auto vm = launch(o);
  ASSERT_FALSE(vm.ok());
  EXPECT_EQ(vm.error().code(), errc::already_exists) << vm.error().to_string();
  EXPECT_EQ(read_text(o.qmp_socket), "precious");
  EXPECT_TRUE(nothing_left_running(dir_.path()));
}

}  // namespace
}  // namespace kaso::qemu
