// signals: the one place where kaso, its tests, benchmarks and tools send a signal to a pid.
//
// kill(2) with a pid of 0 signals the caller's whole process group and -1 every process it may
// signal: a test that passed a pid it never checked once ended ctest, setup.sh and CI with it
// (issue #14). Every call here refuses such pids before kill(2) sees them, and the _program form
// also checks that the pid still runs the program the caller means (a pid can be reused).
// Where a pidfd is at hand, child_process's send_signal(process_handle) is better still.
// Pure wrappers around kill(2): any thread.
#pragma once

#include <sys/types.h>

#include <string_view>

#include "util/error.hpp"

namespace kaso::platform {

// kill(pid, sig) for one process. Errors: invalid_argument (pid <= 0, never sent), not_found
// (no such process), permission_denied, io_error.
status signal_process(pid_t pid, int sig);

// kill(-pgid, sig): the process group led by `pgid`. Errors as signal_process; invalid_argument
// for pgid <= 1 (0 would be our own group, 1 init's).
status signal_group(pid_t pgid, int sig);

// signal_process, only when /proc/PID/cmdline's argv[0] contains `program` (e.g. "qemu-system").
// Errors as signal_process; invalid_argument also for an empty `program`; conflict when the pid
// runs something else (nothing sent).
status signal_program(pid_t pid, int sig, std::string_view program);

// True when a process with this pid exists (kill(pid, 0)); false for pid <= 0.
bool process_exists(pid_t pid);

}  // namespace kaso::platform
