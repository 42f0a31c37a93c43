// The display of a qemu command line: none (headless), a VNC server on a Unix socket, or the
// host's window (gtk on Linux, cocoa on macOS), with the graphics card and USB input devices a
// visible display needs once -nodefaults has removed qemu's own.
//
// Private to src/qemu: a step of build_argv (command_line.cpp). Pure: any thread.
#pragma once

#include <string>
#include <vector>

#include "qemu/machine_spec.hpp"
#include "util/error.hpp"

namespace kaso::qemu {

// Appends -display (and -vnc and the -device list, when visible). Errors: invalid_argument for a
// vnc_socket that fails check_socket_path, or an unknown display kind.
status add_display(const machine_spec& spec, std::vector<std::string>& out);

}  // namespace kaso::qemu
