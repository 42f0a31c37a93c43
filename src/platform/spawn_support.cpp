// spawn_support: see spawn_support.hpp. The same steps as run_process's private helpers, shared
// so that spawn_detached follows the same close-on-exec discipline.
#include "platform/spawn_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "platform/posix_error.hpp"

namespace kaso::platform::detail {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

result<unique_fd> above_stdio(int fd) {
  unique_fd owned{fd};
  if (fd > STDERR_FILENO) return owned;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0) return posix_error("fcntl(F_DUPFD_CLOEXEC)", errno);
  return unique_fd{moved};
}

result<pipe_ends> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return posix_error("pipe2", errno);
  auto read = above_stdio(fds[0]);
  auto write = above_stdio(fds[1]);
  if (!read) return read.error();
  if (!write) return write.error();
  return pipe_ends{std::move(read).value(), std::move(write).value()};
}

result<std::string> resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  bool denied = false;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find(':', start), path.size());
    const std::string dir = end > start ? path.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + name;
    if (is_executable_file(candidate)) return candidate;
    if (::access(candidate.c_str(), F_OK) == 0) denied = true;
    start = end + 1;
  }
  if (denied) return error::permission_denied("'" + name + "' is not executable");
  return error::not_found("program '" + name + "' not found in PATH");
}

std::vector<char*> exec_argv(const std::vector<std::string>& argv) {
  std::vector<char*> pointers;
  pointers.reserve(argv.size() + 1);
  for (const auto& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

int descriptor_limit() {
  const long open_max = ::sysconf(_SC_OPEN_MAX);
  return open_max > 0 && open_max < 65536 ? static_cast<int>(open_max) : 65536;
}

std::optional<int> read_exec_report(int fd) {
  int err = 0;
  std::size_t got = 0;
  auto* bytes = reinterpret_cast<char*>(&err);
  while (got < sizeof err) {
    const ssize_t n = ::read(fd, bytes + got, sizeof err - got);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  if (got < sizeof err) return std::nullopt;
  return err;
}

void reset_signals() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void cloexec_from_3(int max_fd) {
#if defined(__linux__)
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
  for (int fd = 3; fd < max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

void report_errno_and_exit(int report_fd) {
  const int err = errno;
  [[maybe_unused]] auto n = ::write(report_fd, &err, sizeof err);
  ::_exit(127);
}

}  // namespace kaso::platform::detail
