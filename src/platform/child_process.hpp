// child_process: long-lived processes (qemu) that we start detached, or adopt after a restart, and
// watch through a pidfd (Linux >= 5.3).
//
// spawn_detached starts a program in its own session so that it outlives the server and never sees
// the terminal's signals; while the server lives the process stays our direct child, and
// wait_exit reaps it the moment it ends (PID 1 here reaps orphans only every 1.5-2 s). After a
// server restart the process is no longer our child: adopt() opens a pidfd on it, which reports
// the exit as it happens, but its exit status cannot be read. A child of a process whose effective
// ids differ from its real ones (a server started with sudo, acting as the owning user) gets the
// effective ids as real and saved ids too: it cannot regain root.
//
// Thread safety: the free functions may run on any thread, several at once, and block only where
// their comments say so (wait_exit; spawn_detached forks and waits for the exec). Call the
// blocking ones from a thread that may block (an actor's blocking worker, a test), never from a
// cooperative scheduler thread. A process_handle is a value with one owner at a time; two threads must not use the
// same handle at once.
// REQUIRES: SIGCHLD is not set to SIG_IGN in this process, and nothing else reaps our children
// (no waitpid(-1)): either would lose the exit status (reported then as known=false).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "platform/unique_fd.hpp"
#include "util/error.hpp"

namespace kaso::platform {

// How a process ended. exited+code for a normal exit; signal for death by signal; known=false when
// the process was not our child (adopted), so its status could not be read.
struct exit_status {
  bool exited = false;
  int code = -1;
  int signal = 0;
  bool known = true;

  friend bool operator==(const exit_status&, const exit_status&) = default;
};

// "exited with code 3", "killed by signal 9", "ended (status unknown: not our child)".
std::string to_string(const exit_status& status);

// Owns a pidfd on one process. Movable, not copyable. Destroying the handle closes the pidfd and
// leaves the process running; a child that ends after that stays a zombie until this process
// exits, so the owner should wait_exit (or hand the handle on) first.
class process_handle {
 public:
  process_handle() = default;
  process_handle(pid_t pid, unique_fd pidfd, bool is_child)
      : pid_(pid), pidfd_(std::move(pidfd)), is_child_(is_child) {}

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_.get(); }
  // True for a process spawned by us (or adopted while still our child): its status is readable.
  bool is_child() const { return is_child_; }
  // False for a default-constructed or moved-from handle.
  bool valid() const { return pidfd_.valid(); }
  // The status once wait_exit / poll_exit has seen the end (and reaped a child); kept thereafter.
  const std::optional<exit_status>& ended() const { return ended_; }

  process_handle(process_handle&& other) noexcept;
  process_handle& operator=(process_handle&& other) noexcept;
  process_handle(const process_handle&) = delete;
  process_handle& operator=(const process_handle&) = delete;
  ~process_handle() = default;

 private:
  friend result<exit_status> wait_exit(process_handle&, std::chrono::milliseconds);

  pid_t pid_ = -1;
  unique_fd pidfd_;
  bool is_child_ = false;
  std::optional<exit_status> ended_;
};

struct spawn_options {
  std::filesystem::path log_file;  // stdout and stderr appended here (created 0640); empty: /dev/null
};

// Starts argv[0] (looked up in PATH unless it has a '/') with arguments argv[1..], never through
// a shell. The child: its own session (setsid: session and group leader), stdin from /dev/null,
// stdout+stderr appended to the log file, the parent's environment, default signal dispositions
// and an empty mask, no other descriptor of ours. Returns once the exec has happened.
// Errors: invalid_argument (empty argv), not_found (no such program or log directory),
// permission_denied, io_error (fork, pidfd_open, ...). On error nothing is left running.
result<process_handle> spawn_detached(const std::vector<std::string>& argv,
                                      const spawn_options& options);

// Opens a pidfd on a running process, e.g. a qemu left by a previous server. is_child() is true
// only if its parent is this process. The pid may have been reused since it was recorded: check
// identity after adopting: process_start_time(pid) and process_cmdline(pid) as recorded, then
// poll_exit(handle) still empty (so the /proc data was read from the adopted process).
// Errors: not_found (no such process), permission_denied, io_error.
result<process_handle> adopt(pid_t pid);

// Blocks until the process ends or `timeout` passes (poll on the pidfd). A child is reaped and its
// status returned; an adopted process gives known=false. Once ended, returns the same status at
// once on every later call. Errors: timeout (still running), invalid_argument (empty handle),
// io_error.
result<exit_status> wait_exit(process_handle& process, std::chrono::milliseconds timeout);

// Non-blocking wait_exit: the status if the process has ended (reaping a child), else nullopt.
std::optional<exit_status> poll_exit(process_handle& process);

// pidfd_send_signal: never hits a process that reused the pid. A process that has ended but is not
// yet reaped accepts signals (they do nothing). Errors: not_found (ended and reaped), io_error.
status send_signal(const process_handle& process, int sig);

// /proc/PID/stat field 22: the start time in clock ticks after boot. Errors: not_found, io_error.
result<std::uint64_t> process_start_time(pid_t pid);
// The real uid of the process (/proc/PID/status). Errors: not_found, io_error.
result<uid_t> process_uid(pid_t pid);
// /proc/PID/cmdline split on NUL: the argv the process was exec'd with (empty for a zombie).
// Errors: not_found, permission_denied, io_error.
result<std::vector<std::string>> process_cmdline(pid_t pid);

}  // namespace kaso::platform
