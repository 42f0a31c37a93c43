// What `kaso instance console` needs of the world besides the API: the user's two ends and how
// long to keep listening once the input has ended. real_console_env() is the terminal (standard
// input and output); tests pass pipes or files. Whether to go raw follows from the input: a
// terminal is put in raw mode (raw_terminal.hpp) for the session, anything else is used as is.
#pragma once

#include <chrono>

namespace kaso::cli::instance {

struct console_env {
  int input_fd;
  int output_fd;
  std::chrono::milliseconds idle;  // console_pump's quiet period after input ended
};

// Standard input and output; one second of quiet ends a piped session.
console_env real_console_env();

}  // namespace kaso::cli::instance
