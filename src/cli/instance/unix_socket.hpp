// Connecting to a Unix stream socket by path, as `kaso instance console` reaches the serial
// console qemu serves (a chardev socket in the instance's directory). Any thread.
#pragma once

#include <filesystem>

#include "platform/unique_fd.hpp"
#include "util/error.hpp"

namespace kaso::cli::instance {

// A connected, blocking, close-on-exec socket. A path longer than sockaddr_un holds is an
// invalid_argument error; a refused or missing socket is posix_error's ("<context>: <strerror>").
result<platform::unique_fd> connect_unix(const std::filesystem::path& path);

}  // namespace kaso::cli::instance
