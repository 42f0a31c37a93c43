// The Ignition config (spec 3.4.0) of a guest that boots with Ignition (Fedora CoreOS, Flatcar),
// generated from a guest_config. Pure function: any thread, no I/O.
//
// Covered: users (name, SSH keys, password hash, gecos, home directory, shell) and the hostname
// (/etc/hostname). Not covered: phone home and the IP report (Ignition has no equivalent; such a
// guest is found by its DHCP lease or a systemd unit instead), static IPs and the datasource list.
#pragma once

#include <string>

#include "bootstrap/guest_config.hpp"

namespace kaso::bootstrap {

// {"ignition":{"version":"3.4.0"},"passwd":{"users":[...]},"storage":{"files":[/etc/hostname]}}.
// Each user has "name", and "sshAuthorizedKeys", "passwordHash", "gecos", "homeDir", "shell" when
// set. /etc/hostname: mode 0644, overwrite, contents a "data:," URL of the percent-encoded name.
// With config.user_user_data (a checked Ignition config, user_data.hpp): ignition.config.merge
// holds it as a base64 data URL, so Ignition merges the user's config over kaso's.
std::string ignition_config(const guest_config& config);

}  // namespace kaso::bootstrap
