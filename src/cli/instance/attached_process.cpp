#include "cli/instance/attached_process.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace kaso::cli::instance {

result<int> run_attached(const std::vector<std::string>& argv) {
  if (argv.empty()) return error::invalid_argument("no program to run");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ);
  if (rc == ENOENT) return error::not_found(argv[0] + " is not installed (not found in PATH): apt install openssh-client");
  if (rc != 0) return error::io_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return error::io_error("cannot wait for " + argv[0] + ": " + std::strerror(errno));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace kaso::cli::instance
