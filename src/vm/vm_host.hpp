// The host seam of the VM actor (issue #18), LevelDB's Env in spirit: everything the actor needs
// from the host to run one qemu (spawn it, take over one an earlier server started, watch its
// end, stop it, talk to its monitor) behind one small interface, passed in with the instance
// manager's settings. real_vm_host() is the real thing (qemu::launch, pidfds, QMP); tests pass a
// fake that scripts qemu (reaches running, crashes with a signal, ignores ACPI, fails at start).
//
// Thread safety: a vm_host may be used from several VM actors at once. One `machine` is used by
// its VM actor only (its exit callback runs on a thread of the machine's own).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace kaso::vm {

// How a qemu ended when it was stopped (or found ended): its exit code (-1: unknown, as for an
// adopted qemu), the signal that killed it (0: none), and the step that ended it: powerdown, quit,
// kill, or guest (it had ended on its own before the stop).
struct machine_end {
  int exit_code = -1;
  int signal = 0;
  std::string ended_by;
};

// One qemu this server runs or took over.
class machine {
 public:
  virtual ~machine() = default;
  virtual std::int64_t pid() const = 0;
  // The process's start time (/proc), for re-adoption; 0: unknown.
  virtual std::uint64_t start_time() const = 0;
  // Starts watching: `on_exit(exit_code, signal)` runs once, on another thread, when qemu ends
  // while watched (exit_code -1 with signal 0: unknown). Errors: io_error.
  virtual status watch(std::function<void(int exit_code, int signal)> on_exit) = 0;
  // Stops watching; qemu keeps running (the server lets go of it). Idempotent.
  virtual void let_go() = 0;
  // After qemu ended on its own: the reason of its last QMP SHUTDOWN event ("guest-shutdown",
  // "host-signal", ...), waiting at most `wait` for it; "" when none came.
  virtual std::string shutdown_reason(std::chrono::milliseconds wait) = 0;
  // Stops watching and ends qemu: ACPI powerdown for up to `graceful` (skipped when `force`),
  // then quit, then SIGKILL (see qemu::stop). A qemu that had ended already is reported as ended
  // by "guest". Errors: timeout, io_error.
  virtual result<machine_end> stop(std::chrono::milliseconds graceful, bool force) = 0;
  // One human monitor command (HMP through QMP); qemu's text answer. Errors: conflict (qemu is
  // not running), io_error.
  virtual result<std::string> human_monitor(const std::string& command_line) = 0;
};

// What starting a qemu needs.
struct machine_launch {
  std::vector<std::string> argv;  // qemu::build_argv's
  std::string qmp_socket;
  std::string log_file;  // qemu's stdout and stderr; empty: discarded
  std::chrono::milliseconds timeout{30000};  // from spawn until QMP says "running"
};

class vm_host {
 public:
  virtual ~vm_host() = default;
  // Spawns qemu and returns once QMP says "running"; on failure nothing is left running. Errors
  // as qemu::launch (unavailable: qemu exited first, timeout, ...).
  virtual result<std::unique_ptr<machine>> launch(const machine_launch& l) = 0;
  // Takes over the qemu an earlier server started as `pid` at `start_time`, after checking it
  // is that process and this instance's qemu (qmp_socket). Errors: not_found (it is gone or is
  // another process now), io_error.
  virtual result<std::unique_ptr<machine>> adopt(std::int64_t pid, std::uint64_t start_time,
                                                 const std::string& qmp_socket) = 0;
};

// The real host: qemu processes, pidfds, QMP sockets.
std::shared_ptr<vm_host> real_vm_host();

}  // namespace kaso::vm
