// child_process on Linux: fork + execve for the spawn, pidfd_open / pidfd_send_signal through
// syscall(2) (glibc 2.36 wraps them, but older C libraries do not), waitid(P_PID) for the reaping,
// /proc for the identity of a process.
//
// Between fork() and exec the child makes async-signal-safe calls only (spawn_support): the argv
// array, the PATH lookup and every descriptor are prepared in the parent first.
#include "platform/child_process.hpp"

#include <fcntl.h>

#include <charconv>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <utility>

#include "platform/file_io.hpp"
#include "platform/posix_error.hpp"
#include "platform/signals.hpp"
#include "platform/spawn_support.hpp"

extern char** environ;

namespace kaso::platform {
namespace {

using clock = std::chrono::steady_clock;

result<unique_fd> open_pidfd(pid_t pid) {
  const long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) return unique_fd{static_cast<int>(fd)};  // the kernel sets O_CLOEXEC on a pidfd
  const int err = errno;
  if (err == ESRCH) return error::not_found("no process " + std::to_string(pid));
  return posix_error("pidfd_open " + std::to_string(pid), err);
}

// The child's output: the log file opened for appending, or /dev/null.
result<unique_fd> open_output(const std::filesystem::path& log_file) {
  if (log_file.empty()) {
    const int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return posix_error("open /dev/null", errno);
    return detail::above_stdio(fd);
  }
  const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return posix_error("open log " + log_file.string(), errno);
  return detail::above_stdio(fd);
}

// Runs in the child: async-signal-safe calls only.
[[noreturn]] void exec_detached(const char* program, char* const* argv, int null_fd, int out_fd,
                                int report_fd, int max_fd) {
  ::setsid();  // cannot fail: a fresh child is never a process group leader
  detail::reset_signals();
  if (::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 ||
      ::dup2(out_fd, STDERR_FILENO) < 0) {
    detail::report_errno_and_exit(report_fd);
  }
  detail::cloexec_from_3(max_fd);
  // A server started with sudo acts as the owning user with only its effective ids; the child
  // gives up the real and saved root ids too, so qemu cannot regain root.
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if ((::getuid() != uid || ::getgid() != gid) &&
      (::setresgid(gid, gid, gid) != 0 || ::setresuid(uid, uid, uid) != 0)) {
    detail::report_errno_and_exit(report_fd);
  }
  ::execve(program, argv, environ);
  detail::report_errno_and_exit(report_fd);
}

void kill_and_reap(pid_t pid) {
  (void)signal_process(pid, SIGKILL);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

exit_status from_siginfo(const siginfo_t& info) {
  exit_status status;
  if (info.si_code == CLD_EXITED) {
    status.exited = true;
    status.code = info.si_status;
  } else {
    status.signal = info.si_status;  // CLD_KILLED or CLD_DUMPED
  }
  return status;
}

exit_status unknown_status() {
  exit_status status;
  status.known = false;
  return status;
}

// Reaps a child whose pidfd reported its exit. ECHILD: someone else reaped it.
result<exit_status> reap(pid_t pid) {
  for (;;) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED) == 0) return from_siginfo(info);
    if (errno == EINTR) continue;
    if (errno == ECHILD) return unknown_status();
    return posix_error("waitid " + std::to_string(pid), errno);
  }
}

int milliseconds_until(clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
  if (left.count() <= 0) return 0;
  return static_cast<int>(std::min<long long>(left.count(), INT_MAX));
}

// True once the pidfd reports the exit, false at the deadline.
result<bool> wait_readable(int pidfd, clock::time_point deadline) {
  for (;;) {
    pollfd fd{pidfd, POLLIN, 0};
    const int ready = ::poll(&fd, 1, milliseconds_until(deadline));
    if (ready > 0) return true;
    if (ready == 0) {
      if (clock::now() >= deadline) return false;
      continue;
    }
    if (errno != EINTR) return posix_error("poll on pidfd", errno);
  }
}

result<std::string> read_proc_file(pid_t pid, const char* name) {
  const std::filesystem::path path = "/proc/" + std::to_string(pid) + "/" + name;
  auto fd = open_file(path, O_RDONLY);
  if (!fd) return fd.error();
  std::string bytes;
  char buffer[4096];
  for (;;) {
    auto n = read_some(fd->get(), buffer, sizeof buffer, path);
    if (!n) {
      // A process that ends while we read makes the read fail (ESRCH) and its directory vanish.
      if (::access(("/proc/" + std::to_string(pid)).c_str(), F_OK) != 0) {
        return error::not_found("process " + std::to_string(pid) + " has ended");
      }
      return n.error();
    }
    if (*n == 0) return bytes;
    bytes.append(buffer, *n);
  }
}

// The fields of /proc/PID/stat after "(comm)"; fields[0] is field 3 (state). comm may hold spaces
// and parentheses, so the split starts after the last ')'.
result<std::vector<std::string>> stat_fields(pid_t pid) {
  auto stat = read_proc_file(pid, "stat");
  if (!stat) return stat.error();
  const std::size_t close = stat->rfind(')');
  if (close == std::string::npos) {
    return error::corruption("/proc/" + std::to_string(pid) + "/stat: no ')'");
  }
  std::vector<std::string> fields;
  std::size_t start = close + 1;
  while (start < stat->size()) {
    const std::size_t begin = stat->find_first_not_of(" \n", start);
    if (begin == std::string::npos) break;
    const std::size_t end = std::min(stat->find_first_of(" \n", begin), stat->size());
    fields.push_back(stat->substr(begin, end - begin));
    start = end;
  }
  return fields;
}

result<std::uint64_t> stat_number(pid_t pid, std::size_t field) {
  auto fields = stat_fields(pid);
  if (!fields) return fields.error();
  const std::size_t index = field - 3;
  if (fields->size() <= index) {
    return error::corruption("/proc/" + std::to_string(pid) + "/stat: too few fields");
  }
  const std::string& text = (*fields)[index];
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return error::corruption("/proc/" + std::to_string(pid) + "/stat: field " +
                               std::to_string(field) + " is not a number");
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

}  // namespace

std::string to_string(const exit_status& status) {
  if (!status.known) return "ended (status unknown: not our child)";
  if (status.exited) return "exited with code " + std::to_string(status.code);
  return "killed by signal " + std::to_string(status.signal);
}

process_handle::process_handle(process_handle&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      is_child_(std::exchange(other.is_child_, false)),
      ended_(std::exchange(other.ended_, std::nullopt)) {}

process_handle& process_handle::operator=(process_handle&& other) noexcept {
  if (this != &other) {
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
    is_child_ = std::exchange(other.is_child_, false);
    ended_ = std::exchange(other.ended_, std::nullopt);
  }
  return *this;
}

result<process_handle> spawn_detached(const std::vector<std::string>& argv,
                                      const spawn_options& options) {
  if (argv.empty() || argv[0].empty()) return error::invalid_argument("spawn: empty argv");
  auto program = detail::resolve_program(argv[0]);
  if (!program) return program.error();
  std::vector<char*> c_argv = detail::exec_argv(argv);
  auto out = open_output(options.log_file);
  if (!out) return out.error();
  const int raw_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (raw_null < 0) return posix_error("open /dev/null", errno);
  auto null_fd = detail::above_stdio(raw_null);
  if (!null_fd) return null_fd.error();
  auto report = detail::make_pipe();
  if (!report) return report.error();
  const int max_fd = detail::descriptor_limit();

  const pid_t pid = ::fork();
  if (pid < 0) return posix_error("fork", errno);
  if (pid == 0) {
    exec_detached(program->c_str(), c_argv.data(), null_fd->get(), out->get(),
                  report->write.get(), max_fd);
  }
  // Our unreaped child: its pid cannot be reused yet, so the pidfd names the right process.
  auto pidfd = open_pidfd(pid);
  report->write.reset();
  const auto exec_errno = detail::read_exec_report(report->read.get());
  if (!pidfd || exec_errno) {
    kill_and_reap(pid);
    if (!pidfd) return pidfd.error();
    return posix_error("cannot run '" + argv[0] + "'", *exec_errno);
  }
  return process_handle{pid, std::move(pidfd).value(), true};
}

result<process_handle> adopt(pid_t pid) {
  if (pid <= 0) return error::invalid_argument("adopt: bad pid " + std::to_string(pid));
  auto pidfd = open_pidfd(pid);
  if (!pidfd) return pidfd.error();
  auto parent = stat_number(pid, 4);
  // No /proc entry any more: it ended (and was reaped) just now. Then it is not our child.
  const bool is_child = parent && static_cast<pid_t>(*parent) == ::getpid();
  return process_handle{pid, std::move(pidfd).value(), is_child};
}

result<exit_status> wait_exit(process_handle& process, std::chrono::milliseconds timeout) {
  if (process.ended_) return *process.ended_;
  if (!process.valid()) return error::invalid_argument("wait_exit: empty process handle");
  auto readable = wait_readable(process.pidfd(), clock::now() + timeout);
  if (!readable) return readable.error();
  if (!*readable) {
    return error::timeout("process " + std::to_string(process.pid()) + " still running after " +
                          std::to_string(timeout.count()) + " ms");
  }
  if (!process.is_child()) {
    process.ended_ = unknown_status();
    return *process.ended_;
  }
  auto status = reap(process.pid());
  if (!status) return status.error();
  process.ended_ = *status;
  return *status;
}

std::optional<exit_status> poll_exit(process_handle& process) {
  auto status = wait_exit(process, std::chrono::milliseconds{0});
  if (!status) return std::nullopt;
  return *status;
}

status send_signal(const process_handle& process, int sig) {
  if (!process.valid()) return error::invalid_argument("send_signal: empty process handle");
  if (::syscall(SYS_pidfd_send_signal, process.pidfd(), sig, nullptr, 0) == 0) return ok_status();
  const int err = errno;
  const std::string context = "signal " + std::to_string(sig) + " to process " +
                              std::to_string(process.pid());
  if (err == ESRCH) return error::not_found(context + ": it has ended");
  return posix_error(context, err);
}

result<std::uint64_t> process_start_time(pid_t pid) { return stat_number(pid, 22); }

result<uid_t> process_uid(pid_t pid) {
  auto status = read_proc_file(pid, "status");
  if (!status) return status.error();
  auto at = status->find("\nUid:");
  if (at == std::string::npos) return error::io_error("no Uid line in /proc/" + std::to_string(pid) + "/status");
  std::size_t pos = at + 5;
  while (pos < status->size() && ((*status)[pos] == '\t' || (*status)[pos] == ' ')) ++pos;
  uid_t uid = 0;
  auto [end, ec] = std::from_chars(status->data() + pos, status->data() + status->size(), uid);
  if (ec != std::errc()) return error::io_error("bad Uid line in /proc/" + std::to_string(pid) + "/status");
  return uid;
}

result<std::vector<std::string>> process_cmdline(pid_t pid) {
  auto bytes = read_proc_file(pid, "cmdline");
  if (!bytes) return bytes.error();
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < bytes->size()) {
    const std::size_t end = std::min(bytes->find('\0', start), bytes->size());
    words.push_back(bytes->substr(start, end - start));
    start = end + 1;
  }
  return words;
}

}  // namespace kaso::platform
