// run_process: run a program from an argv (never through a shell), capture what it writes, and
// kill it if it overruns its time.
//
// Thread safety: any thread may call run_process, several at once; it blocks the calling thread
// until the child has exited and been reaped, or has been killed at the deadline. It forks, so it
// belongs on a thread that may block (an actor's detached/blocking worker, a test), never on a
// cooperative scheduler thread. It changes no process-wide state (signal dispositions, cwd, env).
// REQUIRES: SIGCHLD is not set to SIG_IGN in this process (the kernel would reap the child and
// its exit status would be lost).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace kaso::platform {

// Each captured stream keeps at most this many bytes; the rest is read and dropped so that the
// child never blocks on a full pipe.
inline constexpr std::size_t max_captured_output = 16 * 1024 * 1024;

struct process_output {
  int exit_code = -1;       // the child's exit status; -1 when a signal ended it
  int term_signal = 0;      // the signal that ended the child; 0 when it exited
  std::string stdout_text;  // what the child wrote to stdout (see max_captured_output)
  std::string stderr_text;  // what the child wrote to stderr

  bool succeeded() const { return term_signal == 0 && exit_code == 0; }
};

// Runs argv[0] with arguments argv[1..]. argv[0] is looked up in PATH unless it contains a '/'.
// The child gets stdin from /dev/null, stdout and stderr on pipes, the parent's environment, its
// own process group, default signal dispositions and an empty signal mask, and no other file
// descriptor of ours (everything else is closed on exec).
//
// A non-zero exit is not an error here: it is reported in process_output for the caller to judge.
// Errors: invalid_argument (empty argv), not_found (no such program), permission_denied (not
// executable), timeout (still running after `timeout`: the whole process group got SIGKILL and
// the child was reaped), io_error (pipe/fork failed).
result<process_output> run_process(const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout);

// The program run_process would run as argv[0] `name` (looked up in PATH unless it contains a
// '/'). Errors: not_found, permission_denied (found, not executable).
result<std::string> find_program(const std::string& name);

}  // namespace kaso::platform
