// console_pump: the byte pump of `kaso instance console`. It copies bytes both ways between the
// user's side (an input and an output descriptor: the terminal, or pipes in tests) and the
// instance's serial console (a connected stream socket), with poll(), until one of:
//
//   what happens                                   | the pump       | bytes of the read
//   -----------------------------------------------+----------------+---------------------------
//   the escape byte (Ctrl-], 0x1d) is read from    | escaped        | before it: sent; it and
//   input                                          |                | after it: dropped
//   the console closes (qemu exited, or hung up)   | closed         | all copied out first
//   input ends (EOF), then the console stays quiet | quiet          | -
//   for `idle` (each byte from it starts anew)     |                |
//
// Input ending does not end the session by itself, so `echo ls | kaso instance console vm1`
// shows the answer. A failed read or write is an error. Blocking: runs on the caller's thread
// until it returns; the descriptors stay the caller's.
#pragma once

#include <chrono>

#include "util/error.hpp"

namespace kaso::cli::instance {

inline constexpr unsigned char console_escape = 0x1d;  // Ctrl-]

enum class pump_end { escaped, closed, quiet };

struct pump_fds {
  int input;    // what the user types
  int output;   // where the console's bytes go
  int console;  // the console socket (sent to with MSG_NOSIGNAL: a closed one is `closed`)
};

// REQUIRES: idle > 0.
result<pump_end> pump_console(const pump_fds& fds, std::chrono::milliseconds idle);

}  // namespace kaso::cli::instance
