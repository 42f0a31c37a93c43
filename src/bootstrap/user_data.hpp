// A user's own cloud-init user-data (issue #17: `kaso instance create|launch --cloud-init FILE`),
// checked before anything is created and merged with kaso's own user-data (cloud_init.hpp).
//
// Accepted: a "#cloud-config" document that is YAML whose top level is a mapping, or a script
// ("#!..."), of at most max_user_data bytes; for Ignition guests, a JSON object whose
// ignition.version is 3.x (check_ignition). A cloud-config is parsed with libyaml only to check
// it; its bytes go to the guest unchanged. Pure functions: any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "util/error.hpp"

namespace kaso::bootstrap {

enum class user_data_kind { cloud_config, script };

inline constexpr std::size_t max_user_data = 64 * 1024;

// What `text` is, or invalid_argument naming the line a YAML error is on.
result<user_data_kind> check_user_data(std::string_view text);

std::string_view to_string(user_data_kind k);

// The user's own Ignition config (`--ignition FILE`): a JSON object with ignition.version "3.*",
// at most max_user_data bytes; invalid_argument saying what is wrong.
status check_ignition(std::string_view text);

}  // namespace kaso::bootstrap
