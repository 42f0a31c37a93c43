// --mount HOSTDIR[:GUESTDIR][:ro] of `kaso instance create` and `kaso launch`: HOSTDIR is made
// absolute here (the server does not share the caller's working directory), and GUESTDIR
// defaults to it, as the server reads it (domain/guest_mount.hpp). The server checks the rest.
#pragma once

#include <string>

#include "util/error.hpp"

namespace kaso::cli::instance {

// The mount as sent: "/abs/host[:GUESTDIR][:ro]". An empty HOSTDIR is a usage error.
result<std::string> absolute_mount(const std::string& spec);

}  // namespace kaso::cli::instance
