// errno_error: a failed system call of the console verb as one readable error, "<context>:
// <strerror>". The CLI reports every such failure alike (one line, exit 1), so the code is always
// io_error; kaso_platform's posix_error, which picks finer codes, is not linked into the CLI.
// Pure: any thread.
#pragma once

#include <cstring>
#include <string>

#include "util/error.hpp"

namespace kaso::cli::instance {

inline error errno_error(const std::string& context, int err) {
  return error::io_error(context + ": " + std::strerror(err));
}

}  // namespace kaso::cli::instance
