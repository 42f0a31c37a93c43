// vm_process: see vm_process.hpp. Every wait here is a poll on the qemu's pidfd (through
// platform::wait_exit), so an early exit of qemu is seen at once rather than at the next retry.
#include "qemu/vm_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "platform/posix_error.hpp"
#include "platform/unique_fd.hpp"
#include "qemu/command_line.hpp"

namespace kaso::qemu {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using platform::exit_status;
using platform::process_handle;

constexpr milliseconds retry_pause{5};           // between QMP connects / status queries
constexpr milliseconds exit_grace{1000};          // a closed QMP socket: is qemu exiting?
constexpr milliseconds quit_timeout{5000};
constexpr milliseconds kill_timeout{10000};
constexpr std::size_t log_tail_bytes = 2048;

milliseconds remaining(clock::time_point deadline) {
  const auto left = std::chrono::ceil<milliseconds>(deadline - clock::now());
  return std::max(left, milliseconds{0});
}

// True when something accepts connections on the Unix socket at path.
bool someone_listens(const std::string& path) {
  platform::unique_fd fd{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  if (!fd.valid()) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return true;
  return errno == EAGAIN || errno == EINPROGRESS;  // a full backlog still means a listener
}

status remove_stale_socket(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return ok_status();
    return platform::posix_error("qmp socket " + path, errno);
  }
  if (!S_ISSOCK(st.st_mode)) {
    return error::already_exists("qmp socket " + path + ": something that is not a socket is there");
  }
  if (someone_listens(path)) {
    return error::conflict("qmp socket " + path + ": a running process still listens on it");
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return platform::posix_error("remove stale qmp socket " + path, errno);
  }
  return ok_status();
}

// The last ~2 KB of the log, from a line start when it had to be cut.
std::string log_tail(const std::filesystem::path& log_file) {
  if (log_file.empty()) return "(qemu's output was not logged)";
  platform::unique_fd fd{::open(log_file.c_str(), O_RDONLY | O_CLOEXEC)};
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) return "(cannot read " + log_file.string() + ")";
  const off_t start = std::max<off_t>(0, st.st_size - static_cast<off_t>(log_tail_bytes));
  std::string text(static_cast<std::size_t>(st.st_size - start), '\0');
  const ssize_t n = ::pread(fd.get(), text.data(), text.size(), start);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  if (start > 0) {
    if (const std::size_t line = text.find('\n'); line != std::string::npos) text.erase(0, line + 1);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

error exited_early(const exit_status& status, const launch_options& options) {
  return error::unavailable("qemu " + platform::to_string(status) +
                            " before it was running; its log ends with:\n" +
                            log_tail(options.log_file));
}

// Pauses for up to `pause` (less near the deadline), waking at once if qemu exits.
std::optional<exit_status> pause_unless_exit(process_handle& process, milliseconds pause,
                                             clock::time_point deadline) {
  auto status = platform::wait_exit(process, std::min(pause, remaining(deadline)));
  if (status) return *status;
  return platform::poll_exit(process);
}

result<qmp_client> connect_qmp(process_handle& process, const launch_options& options,
                               clock::time_point deadline) {
  for (;;) {
    if (auto ended = platform::poll_exit(process)) return exited_early(*ended, options);
    auto client = qmp_client::connect(options.qmp_socket, remaining(deadline));
    if (client) return client;
    const errc code = client.error().code();
    if (code != errc::not_found && code != errc::unavailable) return client.error();
    if (clock::now() >= deadline) {
      return error::timeout("qemu's QMP socket did not answer within " +
                            std::to_string(options.timeout.count()) +
                            " ms: " + client.error().message());
    }
    if (auto ended = pause_unless_exit(process, retry_pause, deadline)) {
      return exited_early(*ended, options);
    }
  }
}

status wait_running(process_handle& process, qmp_client& qmp, const launch_options& options,
                    clock::time_point deadline) {
  std::string last = "silent";
  auto not_running = [&] {
    return error::timeout("qemu was still " + last + ", not running, after " +
                          std::to_string(options.timeout.count()) + " ms");
  };
  for (;;) {
    auto reply = qmp.execute("query-status", {}, std::max(remaining(deadline), milliseconds{1}));
    if (!reply) {
      if (reply.error().code() == errc::timeout) return not_running();
      if (reply.error().code() == errc::unavailable) {  // qemu closed QMP: is it exiting?
        auto ended = pause_unless_exit(process, exit_grace, clock::now() + exit_grace);
        if (ended) return exited_early(*ended, options);
      }
      return reply.error();
    }
    if (reply->is_object() && reply->value("status", "") == "running") return ok_status();
    last = "'" + (reply->is_object() ? reply->value("status", "?") : reply->dump()) + "'";
    if (clock::now() >= deadline) return not_running();
    if (auto ended = pause_unless_exit(process, retry_pause, deadline)) {
      return exited_early(*ended, options);
    }
  }
}

void kill_and_reap(process_handle& process) {
  (void)platform::send_signal(process, SIGKILL);
  (void)platform::wait_exit(process, kill_timeout);
}

bool usable(const qmp_client* qmp) { return qmp != nullptr && qmp->connected(); }

// system_powerdown; false when it could not be delivered.
bool request_powerdown(qmp_client* qmp, clock::time_point deadline) {
  if (!usable(qmp)) return false;
  return qmp->execute("system_powerdown", {}, std::max(remaining(deadline), milliseconds{1})).ok();
}

// QMP quit, else SIGTERM. A quit answered by a closed connection counts as delivered: qemu may
// close QMP on its way out before the reply is read.
void request_quit(process_handle& process, qmp_client* qmp, clock::time_point deadline) {
  if (usable(qmp)) {
    auto reply = qmp->execute("quit", {}, std::max(remaining(deadline), milliseconds{1}));
    if (reply.ok() || reply.error().code() == errc::unavailable) return;
  }
  (void)platform::send_signal(process, SIGTERM);
}

// The status if the process ended by the deadline; nullopt if it is still there.
result<std::optional<exit_status>> ended_by(process_handle& process, clock::time_point deadline) {
  auto status = platform::wait_exit(process, remaining(deadline));
  if (status) return std::optional<exit_status>{*status};
  if (status.error().code() == errc::timeout) return std::optional<exit_status>{};
  return status.error();
}

}  // namespace

status check_adoptable(pid_t pid, std::uint64_t start_time, const std::string& qmp_socket) {
  const std::string which = "process " + std::to_string(pid);
  if (pid <= 0) return error::invalid_argument(which + " is not a process to adopt");
  if (start_time == 0) return error::invalid_argument(which + ": its start time was not recorded, so it cannot be recognised");
  auto now = platform::process_start_time(pid);
  if (!now.ok()) return now.error();
  if (*now != start_time) return error::conflict(which + " started at another time: the pid was reused");
  auto uid = platform::process_uid(pid);
  if (!uid.ok()) return uid.error();
  if (*uid != ::geteuid()) return error::conflict(which + " belongs to uid " + std::to_string(*uid) + ", not to us");
  auto argv = platform::process_cmdline(pid);
  if (!argv.ok()) return argv.error();
  if (argv->empty() || argv->front().find("qemu-system") == std::string::npos) {
    return error::conflict(which + " is not a qemu");
  }
  const std::string qmp_option = "unix:path=" + escape_option_value(qmp_socket) + ",";
  for (const auto& arg : *argv) {
    if (arg.rfind(qmp_option, 0) == 0) return ok_status();
  }
  return error::conflict(which + " is a qemu of another instance (its QMP socket is not " + qmp_socket + ")");
}

result<launched_vm> launch(const launch_options& options) {
  if (options.argv.empty() || options.qmp_socket.empty()) {
    return error::invalid_argument("launch: empty argv or qmp socket path");
  }
  if (options.qmp_socket.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return error::invalid_argument("launch: qmp socket path too long: " + options.qmp_socket);
  }
  const auto deadline = clock::now() + options.timeout;
  if (status s = remove_stale_socket(options.qmp_socket); !s) return s.error();
  auto process = platform::spawn_detached(options.argv, {options.log_file});
  if (!process) return process.error();
  auto qmp = connect_qmp(*process, options, deadline);
  if (qmp) {
    status running = wait_running(*process, *qmp, options, deadline);
    if (running) return launched_vm{std::move(process).value(), std::move(qmp).value()};
    kill_and_reap(*process);
    return running.error();
  }
  kill_and_reap(*process);
  return qmp.error();
}

std::string_view to_string(stop_step step) {
  switch (step) {
    case stop_step::powerdown: return "powerdown";
    case stop_step::quit: return "quit";
    case stop_step::kill: return "kill";
  }
  return "?";
}

result<stop_outcome> stop(process_handle& process, qmp_client* qmp, milliseconds graceful_timeout,
                          bool force) {
  if (!process.valid() && !process.ended()) {
    return error::invalid_argument("stop: empty process handle");
  }
  if (auto ended = platform::poll_exit(process)) {
    return stop_outcome{*ended, force ? stop_step::quit : stop_step::powerdown};
  }
  if (!force) {
    const auto deadline = clock::now() + graceful_timeout;
    if (request_powerdown(qmp, deadline)) {
      auto ended = ended_by(process, deadline);
      if (!ended) return ended.error();
      if (*ended) return stop_outcome{**ended, stop_step::powerdown};
    }
  }
  const auto quit_deadline = clock::now() + quit_timeout;
  request_quit(process, qmp, quit_deadline);
  auto quit = ended_by(process, quit_deadline);
  if (!quit) return quit.error();
  if (*quit) return stop_outcome{**quit, stop_step::quit};

  (void)platform::send_signal(process, SIGKILL);
  auto killed = platform::wait_exit(process, kill_timeout);
  if (!killed) return killed.error();
  return stop_outcome{*killed, stop_step::kill};
}

}  // namespace kaso::qemu
