// signals (issue #14): no pid <= 0 ever reaches kill(2), a pid running another program is not
// signalled, and no file in the tree calls kill( except signals.cpp.
#include "platform/signals.hpp"

#include "platform/child_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace kaso::platform {
namespace {

// A child running sleep (spawn_detached returns once the exec has happened); killed and reaped
// by the destructor unless the test did.
struct sleeper {
  result<process_handle> child = spawn_detached({"sleep", "60"}, {});
  pid_t pid = child.ok() ? child->pid() : -1;
  ~sleeper() {
    if (pid > 0) {
      (void)signal_process(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

TEST(signals, pids_that_name_groups_are_refused) {
  for (pid_t pid : {0, -1, -2, -12345}) {
    auto s = signal_process(pid, 0);
    ASSERT_FALSE(s.ok()) << pid;
    EXPECT_EQ(s.error().code(), errc::invalid_argument) << pid;
    EXPECT_EQ(signal_program(pid, 0, "qemu-system").error().code(), errc::invalid_argument) << pid;
    EXPECT_FALSE(process_exists(pid)) << pid;
  }
  for (pid_t pgid : {1, 0, -1}) EXPECT_EQ(signal_group(pgid, 0).error().code(), errc::invalid_argument) << pgid;
}

TEST(signals, a_pid_running_another_program_is_not_signalled) {
  sleeper child;
  ASSERT_GT(child.pid, 0);
  auto refused = signal_program(child.pid, SIGKILL, "qemu-system");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), errc::conflict);
  EXPECT_TRUE(process_exists(child.pid)) << "still running";
  ASSERT_TRUE(signal_program(child.pid, SIGKILL, "sleep").ok());
  int status = 0;
  ASSERT_EQ(::waitpid(child.pid, &status, 0), child.pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  child.pid = -1;
}

TEST(signals, an_ended_process_is_not_found) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ASSERT_GT(pid, 0);
  ::waitpid(pid, nullptr, 0);
  EXPECT_EQ(signal_process(pid, 0).error().code(), errc::not_found);
}

// True when `code` calls a function named exactly kill: "kill" not preceded by a name character,
// '.' or '>' (a member), followed by optional blanks and '('.
bool calls_kill(const std::string& code) {
  for (auto at = code.find("kill"); at != std::string::npos; at = code.find("kill", at + 1)) {
    if (at > 0) {
      const char before = code[at - 1];
      if (std::isalnum(static_cast<unsigned char>(before)) || before == '_' || before == '.' || before == '>') continue;
    }
    auto next = code.find_first_not_of(" \t", at + 4);
    if (next != std::string::npos && code[next] == '(') return true;
  }
  return false;
}

// Every kill( in the sources goes through signals.cpp, which refuses pids <= 0 (issue #14: a test
// that killed pid 0 ended its own CI run).
TEST(signals, issue_14_no_raw_kill_in_the_tree) {
  const std::filesystem::path root = KASO_SOURCE_DIR;
  std::vector<std::string> found;
  for (const char* dir : {"src", "tests", "bench", "tools", "fuzz"}) {
    if (!std::filesystem::exists(root / dir)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root / dir)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp" && ext != ".h" && ext != ".c")) continue;
      if (entry.path().filename() == "signals.cpp" && entry.path().parent_path().filename() == "platform") continue;
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        auto code = line.substr(0, line.find("//"));
        if (calls_kill(code)) found.push_back(entry.path().string() + ":" + std::to_string(n));
      }
    }
  }
  EXPECT_TRUE(found.empty()) << "calls of kill outside platform/signals.cpp: " << testing::PrintToString(found);
}

}  // namespace
}  // namespace kaso::platform
