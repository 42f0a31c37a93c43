// Waiting for a background task (an image download or import) to end, as `kaso image create`
// does. It polls GET /tasks/{id} until the task's state is final, with no deadline of its own
// (each request has api_client's), and shows the progress line (progress.hpp) on `progress`:
//
//   progress is   | the line is                         | after the wait
//   --------------+-------------------------------------+-------------------------------------
//   a terminal    | redrawn in place ('\r'), in colour, | ended with '\n'
//                 | narrowed to the terminal's width    |
//   anything else | its label, once ("Download image    | the whole line once, when the task
//                 | jammy...": issue #16)               | completed
//
// Ctrl-C detaches: SIGINT is caught (sigint_flag) while waiting, and the loop stops with
// "Detached from task N; the download goes on (kaso task get N)" on `progress`; nothing is sent to
// cancel the task. One thread, one wait at a time in a process.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>

#include <nlohmann/json.hpp>

#include "cli/api_client.hpp"
#include "util/error.hpp"

namespace kaso::cli::task {

// The outside world of the wait, replaceable in tests; real_wait_env() is the real one.
struct wait_env {
  // Between two polls: poll_interval.
  std::function<void()> pause;
  // Paces the lines written off a terminal.
  std::function<std::chrono::steady_clock::time_point()> now;
  // The columns of the terminal a stream writes to; 0 when it is no terminal.
  std::function<std::size_t(const std::ostream&)> terminal_width;
};

inline constexpr std::chrono::milliseconds poll_interval{200};

// Sleeps poll_interval, reads the steady clock, and takes a stream for a terminal when it is
// std::cerr (or std::cout) and that file descriptor is a tty (asking its width each time, so a
// resized window is followed).
wait_env real_wait_env();

struct task_end {
  enum class how { completed, failed, cancelled, detached };
  how ended;
  nlohmann::json task;  // the last state read (for detached, the last running one)
};

// Polls the task `started` (the API's answer that started it) until it ends or Ctrl-C detaches.
// An error is a failed request (the task may still run) or a `started` without an "id"; a task
// that failed or was cancelled is a task_end, not an error.
result<task_end> wait_for_task(api_client& api, const nlohmann::json& started,
                               std::ostream& progress, const wait_env& env);

}  // namespace kaso::cli::task
