// vm_process: start a qemu and bring it to "running" (launch), and end it with escalating force
// (stop). Library code for the instance actor, with no actor in it.
//
// Both calls block for up to their timeouts (launch: options.timeout; stop: graceful_timeout +
// 5 s + 10 s at most): call them from a thread that may block (the instance actor's blocking
// worker), never a cooperative scheduler thread. Independent VMs may be launched and stopped from
// several threads at once; one VM's process_handle and qmp_client belong to one thread at a time.
// The qemu is spawned detached (platform::spawn_detached: own session, so it outlives the server)
// and stays our direct child, reaped at once when it ends.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "platform/child_process.hpp"
#include "qemu/qmp_client.hpp"
#include "util/error.hpp"

namespace kaso::qemu {

struct launch_options {
  std::vector<std::string> argv;  // the whole qemu command line (build_argv), argv[0] the binary
  std::string qmp_socket;         // the path argv's -qmp unix: option names
  std::filesystem::path log_file;  // qemu's stdout+stderr appended here; empty: discarded
  std::chrono::milliseconds timeout{30000};  // from spawn to "running"
};

struct launched_vm {
  platform::process_handle process;
  qmp_client qmp;  // connected, capabilities negotiated; owned by the caller from now on
};

// Removes a stale socket file at qmp_socket, spawns argv, connects to QMP (retrying while the
// socket is missing or refuses, checking between tries that qemu has not exited) and waits until
// query-status says "running". All within options.timeout.
// On failure the qemu is killed and reaped: nothing is left running. Errors:
//   invalid_argument  empty argv or qmp_socket, or a socket path too long for sun_path
//   already_exists    something that is not a socket sits at qmp_socket (left alone)
//   conflict          a live process still listens on qmp_socket
//   not_found / permission_denied  the qemu binary or the log file's directory
//   unavailable       qemu exited first: the message gives its exit status and the last ~2 KB of
//                     the log file
//   timeout           no QMP answer, or not "running" (e.g. started with -S), by the deadline
//   others            as qmp_client reports them (corruption, internal, io_error)
result<launched_vm> launch(const launch_options& options);

// Whether the process `pid` may be taken over as the qemu of the instance whose QMP socket is
// `qmp_socket`: it started at `start_time` (never 0: an unknown start time proves nothing), its
// real uid is this process's effective uid, and it runs a qemu-system binary whose command line
// names `qmp_socket`. Issue #15: a forged instance.started made the server adopt, then SIGKILL, a
// root process. Errors: invalid_argument (pid <= 0, start_time 0), not_found (no such process),
// conflict (some other process: the message says which check failed), io_error.
status check_adoptable(pid_t pid, std::uint64_t start_time, const std::string& qmp_socket);

enum class stop_step { powerdown, quit, kill };
std::string_view to_string(stop_step step);

struct stop_outcome {
  platform::exit_status status;  // known=false for an adopted qemu (not our child)
  stop_step ended_by;            // the last step tried before the end was seen
};

// Ends the qemu, each step only if the previous one did not end it:
//   powerdown  QMP system_powerdown (the guest's ACPI shutdown), then wait up to graceful_timeout
//              in all. Skipped when force is set, or when the command could not be sent (no QMP).
//   quit       QMP quit, or SIGTERM when QMP is absent or broken (qemu exits cleanly on either),
//              then wait up to 5 s.
//   kill       SIGKILL, then wait up to 10 s for the end.
// `qmp` may be null or disconnected. A process that had already ended is reported with the first
// step that would have been tried. The process is reaped if it is our child. Errors: timeout (still
// there 10 s after SIGKILL: stuck in the kernel), invalid_argument (empty handle), io_error.
result<stop_outcome> stop(platform::process_handle& process, qmp_client* qmp,
                          std::chrono::milliseconds graceful_timeout, bool force);

}  // namespace kaso::qemu
