// signals: see signals.hpp.
#include "platform/signals.hpp"

#include <signal.h>

#include <cerrno>
#include <string>

#include "platform/child_process.hpp"
#include "platform/posix_error.hpp"

namespace kaso::platform {
namespace {

status sent(int rc, const std::string& context) {
  if (rc == 0) return ok_status();
  const int err = errno;
  if (err == ESRCH) return error::not_found(context + ": no such process");
  return posix_error(context, err);
}

std::string context_of(const char* what, pid_t pid, int sig) {
  return "signal " + std::to_string(sig) + " to " + what + " " + std::to_string(pid);
}

}  // namespace

status signal_process(pid_t pid, int sig) {
  if (pid <= 0) {
    return error::invalid_argument("refusing to signal pid " + std::to_string(pid) +
                                   ": not a single process");
  }
  return sent(::kill(pid, sig), context_of("process", pid, sig));
}

status signal_group(pid_t pgid, int sig) {
  if (pgid <= 1) {
    return error::invalid_argument("refusing to signal process group " + std::to_string(pgid));
  }
  return sent(::kill(-pgid, sig), context_of("process group", pgid, sig));
}

status signal_program(pid_t pid, int sig, std::string_view program) {
  if (program.empty()) return error::invalid_argument("signal_program: no program named");
  if (pid <= 0) return signal_process(pid, sig);
  auto argv = process_cmdline(pid);
  if (!argv.ok()) return argv.error();
  if (argv->empty() || argv->front().find(program) == std::string::npos) {
    return error::conflict("process " + std::to_string(pid) + " is not " + std::string(program) +
                           " (it runs " + (argv->empty() ? std::string("nothing") : argv->front()) +
                           "): not signalled");
  }
  return signal_process(pid, sig);
}

bool process_exists(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

}  // namespace kaso::platform
