// Tests of exit_watcher with real processes: the callback fires once, from the watcher's thread,
// with the right status; never after stop(); and the handle comes back through release().
#include "platform/exit_watcher.hpp"
#include "platform/signals.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "child_test_support.hpp"

namespace kaso::platform {
namespace {

using namespace std::chrono_literals;

// Records every callback; the test thread waits for them with a deadline.
class recorder {
 public:
  exit_watcher::callback callback() {
    return [this](exit_status status) {
      std::lock_guard lock{mutex_};
      statuses_.push_back(status);
      threads_.push_back(std::this_thread::get_id());
      changed_.notify_all();
    };
  }
  bool wait_for_one(std::chrono::seconds deadline) {
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, deadline, [this] { return !statuses_.empty(); });
  }
  std::vector<exit_status> statuses() {
    std::lock_guard lock{mutex_};
    return statuses_;
  }
  std::vector<std::thread::id> threads() {
    std::lock_guard lock{mutex_};
    return threads_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<exit_status> statuses_;
  std::vector<std::thread::id> threads_;
};

TEST(exit_watcher, reports_a_kill_once_from_its_thread) {
  auto child = spawn_detached({"sleep", "30"}, {});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  reaper guard{*child};
  const pid_t pid = child->pid();
  recorder seen;
  auto watcher = exit_watcher::start(std::move(*child), seen.callback());
  ASSERT_TRUE(watcher.ok()) << watcher.error().to_string();
  EXPECT_FALSE(child->valid());  // ownership moved

  ASSERT_TRUE(signal_process(pid, SIGKILL).ok());  // unreaped until the watcher reaps it: the pid is ours
  ASSERT_TRUE(seen.wait_for_one(10s));
  (*watcher)->stop();
  EXPECT_TRUE((*watcher)->fired());
  ASSERT_EQ(seen.statuses().size(), 1u);
  EXPECT_EQ(seen.statuses()[0], (exit_status{false, -1, 9, true}));
  EXPECT_NE(seen.threads()[0], std::this_thread::get_id());
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);  // reaped by the watcher

  *child = (*watcher)->release();
  ASSERT_TRUE(child->ended().has_value());
  EXPECT_EQ(wait_exit(*child, 0ms).value().signal, 9);
}

TEST(exit_watcher, reports_a_normal_exit_even_one_that_happened_before_start) {
  auto child = spawn_detached({"sh", "-c", "exit 7"}, {});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(child->pid()), &info, WEXITED | WNOWAIT) < 0 &&
         errno == EINTR) {
  }  // a zombie now: the exit is over before the watcher starts
  recorder seen;
  auto watcher = exit_watcher::start(std::move(*child), seen.callback());
  ASSERT_TRUE(watcher.ok()) << watcher.error().to_string();
  ASSERT_TRUE(seen.wait_for_one(10s));
  watcher->reset();
  ASSERT_EQ(seen.statuses().size(), 1u);
  EXPECT_EQ(seen.statuses()[0], (exit_status{true, 7, 0, true}));
}

TEST(exit_watcher, never_calls_back_after_stop) {
  auto child = spawn_detached({"sleep", "30"}, {});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  reaper guard{*child};
  recorder seen;
  auto watcher = exit_watcher::start(std::move(*child), seen.callback());
  ASSERT_TRUE(watcher.ok()) << watcher.error().to_string();
  (*watcher)->stop();
  (*watcher)->stop();  // idempotent
  *child = (*watcher)->release();
  ASSERT_TRUE(child->valid());
  EXPECT_FALSE(child->ended().has_value());

  ASSERT_TRUE(send_signal(*child, SIGKILL).ok());
  EXPECT_EQ(wait_exit(*child, 10s).value().signal, 9);  // reaped here, not by the watcher
  watcher->reset();
  EXPECT_TRUE(seen.statuses().empty());
}

TEST(exit_watcher, destructor_stops_without_calling_back) {
  auto child = spawn_detached({"sleep", "30"}, {});
  ASSERT_TRUE(child.ok()) << child.error().to_string();
  const pid_t pid = child->pid();
  recorder seen;
  {
    auto watcher = exit_watcher::start(std::move(*child), seen.callback());
    ASSERT_TRUE(watcher.ok()) << watcher.error().to_string();
  }
  ASSERT_TRUE(signal_process(pid, SIGKILL).ok());  // still our unreaped child: the pid cannot have moved on
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(wstatus));
  EXPECT_TRUE(seen.statuses().empty());
}

TEST(exit_watcher, reports_an_adopted_process_with_unknown_status) {
  scratch_dir dir;
  ASSERT_TRUE(dir.ok());
  const pid_t orphan = spawn_orphan_sleeper(dir);
  ASSERT_GT(orphan, 0);
  auto adopted = adopt(orphan);
  ASSERT_TRUE(adopted.ok()) << adopted.error().to_string();
  reaper guard{*adopted};
  recorder seen;
  auto watcher = exit_watcher::start(std::move(*adopted), seen.callback());
  ASSERT_TRUE(watcher.ok()) << watcher.error().to_string();
  ASSERT_TRUE(signal_process(orphan, SIGKILL).ok());
  ASSERT_TRUE(seen.wait_for_one(10s));
  watcher->reset();
  ASSERT_EQ(seen.statuses().size(), 1u);
  EXPECT_FALSE(seen.statuses()[0].known);
}

TEST(exit_watcher, refuses_an_empty_handle) {
  process_handle none;
  auto watcher = exit_watcher::start(std::move(none), [](exit_status) {});
  ASSERT_FALSE(watcher.ok());
  EXPECT_EQ(watcher.error().code(), errc::invalid_argument);
}

}  // namespace
}  // namespace kaso::platform
