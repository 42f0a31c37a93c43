// Is sshd answering? A host-side probe that needs no cooperation from the guest: connect to the
// instance's SSH endpoint and read the server's version line ("SSH-2.0-..."). With qemu's user
// networking a port forward accepts every connection at once, even before the guest runs, so only
// the banner says a guest's sshd is there.
//
// Blocking, bounded by `wait`; any thread may call it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kaso::guest {

// True when 127.0.0.1:port sends a line starting "SSH-" within `wait` of the connect.
bool ssh_banner_answers(std::uint16_t port, std::chrono::milliseconds wait);

}  // namespace kaso::guest
