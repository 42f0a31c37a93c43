// Running ssh or scp for `kaso instance shell|exec|copy`: attached to this process's standard
// input, output and error and its process group (the terminal's Ctrl-C reaches it), waited for.
// Blocks the calling thread with no deadline: the user drives the session.
#pragma once

#include <string>
#include <vector>

#include "util/error.hpp"

namespace kaso::cli::instance {

// Runs argv[0] (looked up in PATH unless it contains a '/') with argv, no shell. Returns its exit
// status, or 128 + the signal that ended it, as a shell reports it. Errors: not_found (no such
// program), io_error (it could not be started or waited for).
result<int> run_attached(const std::vector<std::string>& argv);

}  // namespace kaso::cli::instance
