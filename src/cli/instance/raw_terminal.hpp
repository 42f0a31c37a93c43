// raw_terminal: a terminal in raw mode for as long as an instance lives, so that every key
// (Ctrl-C, Ctrl-D, arrows) goes to the instance's console as typed and its output is shown as
// sent. The mode the terminal had comes back on every way out:
//
//   way out                                   | restored by
//   ------------------------------------------+----------------------------------------------
//   return, error value, exception            | the destructor
//   SIGTERM, SIGHUP, SIGINT, SIGQUIT (kill)   | the handler (tcsetattr is async-signal-safe),
//                                             | which then dies of the signal (its default)
//   SIGKILL                                   | nothing can; `stty sane` repairs the terminal
//
// Keyboard signals cannot arrive (raw mode turns ISIG off). At most one instance at a time in a
// process; construct and destroy on the same thread.
#pragma once

#include <signal.h>

#include <iterator>
#include <memory>

#include "util/error.hpp"

namespace kaso::cli::instance {

class raw_terminal {
 public:
  // Puts the terminal on `fd` in raw mode. An error when `fd` is no terminal or cannot be set.
  static result<std::unique_ptr<raw_terminal>> enter(int fd);
  ~raw_terminal();
  raw_terminal(const raw_terminal&) = delete;
  raw_terminal& operator=(const raw_terminal&) = delete;

 private:
  raw_terminal() = default;

  static constexpr int signals[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT};
  struct sigaction previous_[std::size(signals)] {};
};

}  // namespace kaso::cli::instance
