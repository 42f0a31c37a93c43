// Helpers for the tests of spawn_detached, adopt and exit_watcher: a scratch directory and a guard
// that kills and reaps whatever a failing test left running. One test (one thread) owns each.
#pragma once

#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "platform/child_process.hpp"
#include "platform/signals.hpp"

namespace kaso::platform {

class scratch_dir {
 public:
  scratch_dir() {
    std::string templ = "/tmp/kaso-child-test-XXXXXX";
    if (::mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~scratch_dir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  bool ok() const { return !path_.empty(); }
  std::filesystem::path file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

// At scope exit: a process still running gets SIGKILL (its whole group: spawn_detached made it a
// group leader) and is reaped.
class reaper {
 public:
  explicit reaper(process_handle& process) : process_(process) {}
  ~reaper() {
    if (!process_.valid() || poll_exit(process_)) return;
    (void)signal_group(process_.pid(), SIGKILL);
    (void)send_signal(process_, SIGKILL);
    (void)wait_exit(process_, std::chrono::seconds{10});
  }
  reaper(const reaper&) = delete;
  reaper& operator=(const reaper&) = delete;

 private:
  process_handle& process_;
};

// Starts `sleep 30` as an orphan (its shell parent exits at once), so it is not our child, and
// returns its pid; -1 on failure.
inline pid_t spawn_orphan_sleeper(const scratch_dir& dir) {
  const auto log = dir.file("orphan.log");
  auto shell = spawn_detached({"sh", "-c", "sleep 30 & echo $!"}, {log});
  if (!shell) return -1;
  auto status = wait_exit(*shell, std::chrono::seconds{10});
  if (!status || !status->exited || status->code != 0) return -1;
  try {
    return static_cast<pid_t>(std::stol(read_text(log)));
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace kaso::platform
