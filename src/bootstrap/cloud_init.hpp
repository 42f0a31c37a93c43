// The cloud-init NoCloud documents of a guest: user-data, meta-data and network-config, generated
// from a guest_config. Pure functions: any thread, no I/O.
//
// Each document is JSON written by json_text.hpp (every control character, quote, backslash and
// non-ASCII byte escaped, invalid UTF-8 replaced by U+FFFD), and JSON is YAML: no user value can
// become YAML syntax, add a key or end a string.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bootstrap/guest_config.hpp"

namespace kaso::bootstrap {

// "#cloud-config\n" and a JSON document: hostname, fqdn (= hostname), preserve_hostname false,
// manage_etc_hosts true, datasource_list (when given), users (one entry per guest_user, never
// the distribution's "default" user; each with sudo NOPASSWD and group sudo, locked unless it has
// a password hash), ssh_pwauth (true iff some user has a password), phone_home (when
// phone_home_url is set), runcmd (when ip_report_url is set: one argv entry, see
// ip_report_script) and bootcmd (mount_script, on every boot).
// With config.user_user_data (user_data.hpp): a MIME multipart/mixed of the user's part (base64,
// text/cloud-config or text/x-shellscript) then kaso's document with merge_how
// "dict(recurse_array,no_replace)+list(append)", so cloud-init keeps the user's keys and appends
// to the lists both have: kaso's users and runcmd survive, and so do the user's.
std::string user_data(const guest_config& config);

// The shell commands (one bootcmd entry, run by cloud-init on every boot) that mount the
// instance's shared directories as qemu lists them at this boot: the fw_cfg file opt/kaso/mounts
// (domain::mount_table, "TAG ro|rw GUESTDIR" per line), each a 9p mount over virtio. Shares added
// or removed after the instance was made are mounted as they are at each start, which cloud-init's
// own `mounts` (first boot only) could not do.
std::string_view mount_script();

// {"instance-id": ..., "local-hostname": ...}
std::string meta_data(const guest_config& config);

// Network config version 2 for config.static_ip (the NIC matched by MAC and named eth0, no DHCP,
// the address, gateway4 and nameserver when set); nullopt without a static IP. cloud-init 22.4
// (Debian 12) still accepts gateway4.
std::optional<std::string> network_config(const guest_config& config);

// The Python 3 program that user-data's runcmd runs as `python3 -c SCRIPT URL`: it POSTs the
// output of `ip -4 -o addr show scope global` (text/plain) to URL, trying up to 10 times 3 s
// apart (an empty output counts as a failed try), and always exits 0 so the boot never fails.
std::string_view ip_report_script();

struct seed_file {
  std::string name;     // file name in the seed's root directory, e.g. "user-data"
  std::string content;  // exact bytes
};

// user-data, meta-data, and network-config when there is one, in that order.
std::vector<seed_file> nocloud_files(const guest_config& config);

}  // namespace kaso::bootstrap
