// build_argv: the qemu command line for a machine_spec, as a pure function.
//
// No filesystem, no host probing, no environment: the same spec gives the same argv on every OS,
// so macOS command lines are golden-tested on Linux. Any thread may call these.
//
// Safety contract. Most qemu options are comma-separated `key=value` lists, where a comma inside a
// value must be doubled; every value placed in such a list goes through escape_option_value. Values
// qemu would still misread are refused with errc::invalid_argument rather than passed on:
//   - a control character (NUL, newline, tab, ...) in any string;
//   - a file or socket path that is not absolute (this also keeps the block layer from reading a
//     "proto:" prefix), or a socket path longer than the OS's sun_path allows;
//   - a mac that is not six hex pairs, or is multicast; an IPv4 address that is not a plain dotted
//     quad (slirp reads "010" as octal); a port of 0;
//   - a guestfwd command word outside [A-Za-z0-9_./:@%+=-]: libslirp splits the cmd: string with
//     g_shell_parse_argv, so spaces, quotes, backslashes and '#' would change the argv;
//   - a platform mismatch (kvm or bridge on macOS, hvf or vmnet on Linux), or aarch64 without
//     firmware.
// Options whose value has an implied key (-qmp unix:, -vnc, -name) are written with the key
// spelled out (`unix:path=`, `vnc=`, `guest=`): otherwise an '=' in the value is read as a key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "qemu/machine_spec.hpp"
#include "util/error.hpp"

namespace kaso::qemu {

// "a,b" -> "a,,b": a value qemu's option parser reads back unchanged.
std::string escape_option_value(std::string_view value);

// argv[0] is spec.qemu_binary. Errors: invalid_argument (see the contract above).
result<std::vector<std::string>> build_argv(const machine_spec& spec);

}  // namespace kaso::qemu
