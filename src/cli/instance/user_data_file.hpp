// --cloud-init FILE of `kaso instance create` and `kaso launch`: the file is read here, with the
// caller's own rights (the server never opens a path for it), and sent as the request's
// "cloud_init"; the server checks what it is (bootstrap/user_data.hpp). Reads at most one byte
// more than the server takes, so a huge file is refused without being read whole.
#pragma once

#include <string>

#include "util/error.hpp"

namespace kaso::cli::instance {

inline constexpr std::size_t max_user_data_file = 64 * 1024;

// `option` names the option in errors (--cloud-init, --ignition).
result<std::string> read_user_data_file(const std::string& path, const std::string& option = "--cloud-init");

}  // namespace kaso::cli::instance
