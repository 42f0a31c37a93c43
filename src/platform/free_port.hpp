// free_loopback_port: a TCP port on 127.0.0.1 that nothing listens on right now (the kernel's
// pick), for an instance's SSH forward. Nothing holds it afterwards: whoever binds it first wins,
// and qemu reports a taken port when it starts. Any thread.
#pragma once

#include <cstdint>

#include "util/error.hpp"

namespace kaso::platform {

result<std::uint16_t> free_loopback_port();

}  // namespace kaso::platform
