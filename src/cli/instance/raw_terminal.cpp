// Raw mode through termios, and the signal handler that undoes it.
#include "cli/instance/raw_terminal.hpp"

#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "cli/instance/errno_error.hpp"

namespace kaso::cli::instance {
namespace {

// What the handler needs, set before it is installed and cleared after it is removed.
int saved_fd = -1;
struct termios saved_mode {};

void restore_and_die(int signal) {
  ::tcsetattr(saved_fd, TCSANOW, &saved_mode);
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

}  // namespace

result<std::unique_ptr<raw_terminal>> raw_terminal::enter(int fd) {
  struct termios mode {};
  if (::tcgetattr(fd, &mode) != 0) {
    return errno_error("cannot read the terminal mode", errno);
  }
  saved_fd = fd;
  saved_mode = mode;
  std::unique_ptr<raw_terminal> terminal(new raw_terminal());
  struct sigaction action {};
  action.sa_handler = restore_and_die;
  sigemptyset(&action.sa_mask);
  for (int s : signals) sigaddset(&action.sa_mask, s);  // one handler at a time
  for (std::size_t i = 0; i < std::size(signals); ++i) {
    ::sigaction(signals[i], &action, &terminal->previous_[i]);
  }
  ::cfmakeraw(&mode);
  if (::tcsetattr(fd, TCSAFLUSH, &mode) != 0) {
    int e = errno;
    terminal.reset();  // puts the handlers back
    return errno_error("cannot put the terminal in raw mode", e);
  }
  return terminal;
}

raw_terminal::~raw_terminal() {
  ::tcsetattr(saved_fd, TCSADRAIN, &saved_mode);  // after what was written in raw mode
  for (std::size_t i = 0; i < std::size(signals); ++i) {
    ::sigaction(signals[i], &previous_[i], nullptr);
  }
  saved_fd = -1;
}

}  // namespace kaso::cli::instance
