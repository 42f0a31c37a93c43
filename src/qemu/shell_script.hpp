// to_shell_script: a POSIX sh script (vm.sh) that runs an argv exactly, for users to hack on.
//
// Pure function, any thread. Each option starts a line, its values follow on the same line, lines
// are joined with ` \` continuations. Words made only of [A-Za-z0-9_./:,@%+=-] are written bare,
// everything else in single quotes (a quote inside becomes '\''), so sh hands qemu the very same
// bytes that build_argv produced. The script execs argv[0], so the shell's pid becomes qemu's.
#pragma once

#include <string>
#include <vector>

namespace kaso::qemu {

// REQUIRES: argv is non-empty, argv[0] does not start with '-', and no word contains a NUL (which
// no argv can carry anyway). An empty argv gives a script that does nothing.
std::string to_shell_script(const std::vector<std::string>& argv);

}  // namespace kaso::qemu
