// run_process on POSIX: fork + execv of a program path resolved before the fork, pipes for the
// output, poll() with a deadline, SIGKILL to the child's process group at the deadline.
//
// Between fork() and exec the child may only make async-signal-safe calls: everything that
// allocates (argv array, PATH lookup) is prepared in the parent first. An exec failure is reported
// to the parent through a close-on-exec pipe: EOF on it means the exec succeeded.
#include "platform/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <optional>
#include <thread>
#include <utility>

#include "platform/posix_error.hpp"
#include "platform/signals.hpp"
#include "platform/spawn_support.hpp"
#include "platform/unique_fd.hpp"

extern char** environ;

namespace kaso::platform {
namespace {

using detail::above_stdio;
using detail::make_pipe;
using detail::read_exec_report;
using detail::resolve_program;

using clock = std::chrono::steady_clock;

// Runs in the child: async-signal-safe calls only.
[[noreturn]] void exec_child(const char* program, char* const* argv, int null_fd, int out_fd,
                             int err_fd, int report_fd, int max_fd) {
  ::setpgid(0, 0);
  detail::reset_signals();
  if (::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 ||
      ::dup2(err_fd, STDERR_FILENO) < 0) {
    detail::report_errno_and_exit(report_fd);
  }
  detail::cloexec_from_3(max_fd);
  ::execve(program, argv, environ);
  detail::report_errno_and_exit(report_fd);
}

// Reads what is available on fd into out (up to the cap). Returns false at EOF or error.
bool drain(int fd, std::string& out) {
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      const std::size_t room = max_captured_output - std::min(out.size(), max_captured_output);
      out.append(buffer, std::min(static_cast<std::size_t>(n), room));
      return true;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return false;
  }
}

int wait_blocking(pid_t pid) {
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  return wstatus;
}

void kill_group(pid_t pid) {
  (void)signal_group(pid, SIGKILL);    // the child is its own group leader (setpgid in both processes)
  (void)signal_process(pid, SIGKILL);  // in case it had not reached setpgid yet
}

int milliseconds_until(clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  if (left.count() <= 0) return 0;
  return static_cast<int>(std::min<long long>(left.count(), INT_MAX));
}

// Collects output until both pipes close. Returns false if the deadline passed first.
bool collect_output(int out_fd, int err_fd, clock::time_point deadline, process_output& output) {
  bool out_open = true;
  bool err_open = true;
  while (out_open || err_open) {
    const int wait_ms = milliseconds_until(deadline);
    if (wait_ms == 0) return false;
    pollfd fds[2] = {{out_open ? out_fd : -1, POLLIN, 0}, {err_open ? err_fd : -1, POLLIN, 0}};
    const int ready = ::poll(fds, 2, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return false;
    if (out_open && fds[0].revents != 0) out_open = drain(out_fd, output.stdout_text);
    if (err_open && fds[1].revents != 0) err_open = drain(err_fd, output.stderr_text);
  }
  return true;
}

// Waits for the exit after the pipes closed (a child may close them and linger).
std::optional<int> wait_until(pid_t pid, clock::time_point deadline) {
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    int wstatus = 0;
    const pid_t r = ::waitpid(pid, &wstatus, WNOHANG);
    if (r == pid) return wstatus;
    if (r < 0 && errno != EINTR) return 0;  // ECHILD: nothing left to wait for
    if (clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

}  // namespace

result<process_output> run_process(const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout) {
  if (argv.empty() || argv[0].empty()) return error::invalid_argument("run_process: empty argv");
  const auto deadline = clock::now() + timeout;
  auto program = resolve_program(argv[0]);
  if (!program) return program.error();

  auto c_argv = detail::exec_argv(argv);

  auto out = make_pipe();
  if (!out) return out.error();
  auto err = make_pipe();
  if (!err) return err.error();
  auto report = make_pipe();
  if (!report) return report.error();
  const int raw_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (raw_null < 0) return posix_error("open /dev/null", errno);
  auto null_fd = above_stdio(raw_null);
  if (!null_fd) return null_fd.error();
  const int max_fd = detail::descriptor_limit();

  const pid_t pid = ::fork();
  if (pid < 0) return posix_error("fork", errno);
  if (pid == 0) {
    exec_child(program->c_str(), c_argv.data(), null_fd->get(), out->write.get(),
               err->write.get(), report->write.get(), max_fd);
  }
  ::setpgid(pid, pid);  // races benignly with the child's own call
  out->write.reset();
  err->write.reset();
  report->write.reset();
  null_fd->reset();

  if (auto exec_errno = read_exec_report(report->read.get())) {
    wait_blocking(pid);
    return posix_error("cannot run '" + argv[0] + "'", *exec_errno);
  }

  process_output output;
  std::optional<int> wstatus;
  if (collect_output(out->read.get(), err->read.get(), deadline, output)) {
    wstatus = wait_until(pid, deadline);
  }
  if (!wstatus) {
    kill_group(pid);
    wait_blocking(pid);
    return error::timeout("'" + argv[0] + "' did not finish within " +
                          std::to_string(timeout.count()) + " ms and was killed");
  }
  if (WIFEXITED(*wstatus)) {
    output.exit_code = WEXITSTATUS(*wstatus);
  } else if (WIFSIGNALED(*wstatus)) {
    output.term_signal = WTERMSIG(*wstatus);
  }
  return output;
}

result<std::string> find_program(const std::string& name) { return detail::resolve_program(name); }

}  // namespace kaso::platform
