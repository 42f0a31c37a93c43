// Tests of spawn_detached, adopt, wait_exit, send_signal and the /proc readers with real programs
// from the base system (sh, sleep, true, ls).
#include "platform/child_process.hpp"
#include "platform/signals.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "child_test_support.hpp"

namespace kaso::platform {
namespace {

using namespace std::chrono_literals;

// True when this process has no child at all, running or zombie.
bool no_children_left() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD;
}

std::string status_line(pid_t pid, const std::string& key) {
  std::istringstream in{read_text("/proc/" + std::to_string(pid) + "/status")};
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) return line.substr(key.size() + 1);
  }
  return {};
}

// Issue #7: a server run with sudo acts as the owning user with its effective ids only; the qemu
// it starts must not keep the real or saved root ids.
TEST(spawn_detached, a_child_of_a_server_acting_as_a_user_keeps_no_root_id) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to act as another user";
  scratch_dir dir;
  ::chmod(dir.file("").c_str(), 0777);
  const uid_t nobody = 65534;
  const gid_t nogroup = 65534;
  pid_t server = ::fork();
  ASSERT_GE(server, 0);
  if (server == 0) {
    // The server's situation after act_as: real uid root, effective uid the user.
    if (::setegid(nogroup) != 0 || ::seteuid(nobody) != 0) ::_exit(10);
    auto child = spawn_detached({"sh", "-c", "grep -E '^(Uid|Gid):' /proc/self/status"},
                                {dir.file("ids.log")});
    if (!child.ok()) ::_exit(11);
    auto end = wait_exit(*child, 10s);
    ::_exit(end.ok() && end->exited && end->code == 0 ? 0 : 12);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(server, &status, 0), server);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto ids = read_text(dir.file("ids.log"));
  EXPECT_EQ(ids, "Uid:\t65534\t65534\t65534\t65534\nGid:\t65534\t65534\t65534\t65534\n");
}

TEST(spawn_detached, reports_the_exit_code_and_keeps_it) {
  auto child = spawn_detached({"sh", "-c", "exit 3"}, {});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  EXPECT_TRUE(child->is_child());
  auto status = wait_exit(*child, 10s);
  ASSERT_TRUE(status.ok()) << status.error().to_string();
  EXPECT_EQ(*status, (exit_status{true, 3, 0, true}));
  EXPECT_EQ(to_string(*status), "exited with code 3");
  EXPECT_EQ(poll_exit(*child), *status);  // the same status again, without a second reaping
  EXPECT_TRUE(no_children_left());

  auto ok = spawn_detached({"true"}, {});
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(wait_exit(*ok, 10s).value(), (exit_status{true, 0, 0, true}));
}

TEST(spawn_detached, reports_death_by_signal_and_reaps) {
  auto child = spawn_detached({"sleep", "30"}, {});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  reaper guard{*child};
  ASSERT_TRUE(send_signal(*child, SIGKILL).ok());
  auto status = wait_exit(*child, 10s);
  ASSERT_TRUE(status.ok()) << status.error().to_string();
  EXPECT_EQ(*status, (exit_status{false, -1, 9, true}));
  EXPECT_EQ(::waitpid(child->pid(), nullptr, WNOHANG), -1);  // already reaped: ECHILD
  auto again = send_signal(*child, SIGKILL);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), errc::not_found);
}

TEST(spawn_detached, child_runs_in_its_own_session) {
  auto child = spawn_detached({"sleep", "30"}, {});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  reaper guard{*child};
  EXPECT_EQ(::getsid(child->pid()), child->pid());
  EXPECT_EQ(::getpgid(child->pid()), child->pid());
  EXPECT_NE(::getsid(0), child->pid());
}

TEST(spawn_detached, child_gets_default_signal_dispositions_and_an_empty_mask) {
  struct sigaction ignore {}, old_action {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGTERM, &ignore, &old_action);
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  ::sigprocmask(SIG_BLOCK, &block, &old_mask);
  auto child = spawn_detached({"sleep", "30"}, {});
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGTERM, &old_action, nullptr);
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  reaper guard{*child};

  EXPECT_EQ(status_line(child->pid(), "SigBlk"), "\t0000000000000000");
  EXPECT_EQ(status_line(child->pid(), "SigIgn"), "\t0000000000000000");
  ASSERT_TRUE(send_signal(*child, SIGTERM).ok());
  EXPECT_EQ(wait_exit(*child, 10s).value().signal, SIGTERM);
}

TEST(spawn_detached, child_has_dev_null_stdin_and_no_descriptor_of_ours) {
  scratch_dir dir;
  ASSERT_TRUE(dir.ok());
  const int inheritable = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(inheritable, 0);
  const auto log = dir.file("fds.log");
  auto child = spawn_detached({"ls", "-l", "/proc/self/fd/"}, {log});
  ::close(inheritable);
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  ASSERT_TRUE(wait_exit(*child, 10s).value().exited);

  std::set<int> fds;
  std::istringstream listing{read_text(log)};
  for (std::string line; std::getline(listing, line);) {
    const std::size_t arrow = line.find(" -> ");
    if (arrow == std::string::npos) continue;
    const std::size_t name = line.rfind(' ', arrow - 1) + 1;
    const int fd = std::stoi(line.substr(name, arrow - name));
    const std::string target = line.substr(arrow + 4);
    fds.insert(fd);
    if (fd == 0) {
      EXPECT_EQ(target, "/dev/null");
    } else if (fd <= 2) {
      EXPECT_EQ(target, log.string());
    } else {
      EXPECT_EQ(target.rfind("/proc/", 0), 0u) << "leaked fd " << fd << " -> " << target;
    }
  }
  EXPECT_TRUE(fds.count(0) && fds.count(1) && fds.count(2)) << read_text(log);
  EXPECT_LE(fds.size(), 4u) << read_text(log);  // 0, 1, 2 and the directory ls reads
}

TEST(spawn_detached, appends_stdout_and_stderr_to_the_log) {
  scratch_dir dir;
  ASSERT_TRUE(dir.ok());
  const auto log = dir.file("out.log");
  std::ofstream{log} << "earlier\n";
  auto child = spawn_detached({"sh", "-c", "echo out; echo err >&2"}, {log});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  ASSERT_EQ(wait_exit(*child, 10s).value().code, 0);
  EXPECT_EQ(read_text(log), "earlier\nout\nerr\n");
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("new.log").c_str(), &st), -1);
  auto fresh = spawn_detached({"sh", "-c", "printf x"}, {dir.file("new.log")});
  ASSERT_TRUE(fresh.ok()) << fresh.error().to_string();
  ASSERT_TRUE(wait_exit(*fresh, 10s).ok());
  EXPECT_EQ(read_text(dir.file("new.log")), "x");
}

TEST(spawn_detached, failures_leave_no_process) {
  auto missing = spawn_detached({"kaso-no-such-program-xyz"}, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), errc::not_found);
  auto empty = spawn_detached({}, {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), errc::invalid_argument);

  scratch_dir dir;
  ASSERT_TRUE(dir.ok());
  const auto not_a_program = dir.file("garbage");
  std::ofstream{not_a_program} << "\x7f" "ELF but not really";
  ::chmod(not_a_program.c_str(), 0755);
  auto bad_exec = spawn_detached({not_a_program.string()}, {});  // fails in execve itself
  ASSERT_FALSE(bad_exec.ok());
  EXPECT_NE(bad_exec.error().message().find("cannot run"), std::string::npos);
  EXPECT_TRUE(no_children_left());

  auto no_log_dir = spawn_detached({"true"}, {dir.file("missing/dir.log")});
  ASSERT_FALSE(no_log_dir.ok());
  EXPECT_EQ(no_log_dir.error().code(), errc::not_found);
}

TEST(wait_exit, times_out_while_the_process_runs) {
  auto child = spawn_detached({"sleep", "30"}, {});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  reaper guard{*child};
  auto status = wait_exit(*child, 20ms);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), errc::timeout);
  EXPECT_FALSE(poll_exit(*child).has_value());
  EXPECT_TRUE(process_exists(child->pid()));  // still there
}

TEST(adopt, sees_the_end_of_a_process_that_is_not_our_child_without_its_status) {
  scratch_dir dir;
  ASSERT_TRUE(dir.ok());
  const pid_t orphan = spawn_orphan_sleeper(dir);
  ASSERT_GT(orphan, 0);
  auto adopted = adopt(orphan);
  ASSERT_TRUE(adopted.ok()) << adopted.error().to_string();
  reaper guard{*adopted};
  EXPECT_FALSE(adopted->is_child());
  EXPECT_FALSE(poll_exit(*adopted).has_value());
  ASSERT_TRUE(send_signal(*adopted, SIGKILL).ok());
  auto status = wait_exit(*adopted, 10s);
  ASSERT_TRUE(status.ok()) << status.error().to_string();
  EXPECT_FALSE(status->known);
  EXPECT_EQ(to_string(*status), "ended (status unknown: not our child)");
}

TEST(adopt, knows_its_own_child_and_refuses_a_missing_pid) {
  auto child = spawn_detached({"sleep", "30"}, {});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  reaper guard{*child};
  auto again = adopt(child->pid());
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_TRUE(again->is_child());
  auto missing = adopt(0x7ffffff0);  // above the kernel's pid_max limit (4194304)
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), errc::not_found);
}

TEST(process_identity, start_time_and_cmdline_of_a_running_process) {
  const std::vector<std::string> argv{"sh", "-c", "sleep 30; exit 0", "a b", ""};
  auto child = spawn_detached(argv, {});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  reaper guard{*child};
  auto cmdline = process_cmdline(child->pid());
  ASSERT_TRUE(cmdline.ok()) << cmdline.error().to_string();
  EXPECT_EQ(*cmdline, argv);

  auto started = process_start_time(child->pid());
  ASSERT_TRUE(started.ok()) << started.error().to_string();
  auto ours = process_start_time(::getpid());
  ASSERT_TRUE(ours.ok()) << ours.error().to_string();
  EXPECT_GE(*started, *ours);  // started after this test process
  EXPECT_EQ(process_start_time(child->pid()).value(), *started);

  EXPECT_EQ(process_start_time(0x7ffffff0).error().code(), errc::not_found);
  EXPECT_EQ(process_cmdline(0x7ffffff0).error().code(), errc::not_found);
}

}  // namespace
}  // namespace kaso::platform
