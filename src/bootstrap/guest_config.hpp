// guest_config: everything a guest is bootstrapped from, as plain data. The server fills it from
// its state (instance, identities, network); cloud_init.hpp and ignition.hpp turn it into the
// documents a guest reads, seed_image.hpp into the NoCloud ISO. Value types: any thread.
//
// Only `guest_user::name` is trusted (validated by the caller as a safe login name). Every other
// string may hold any bytes, including newlines, NUL and invalid UTF-8: the generators escape them,
// they never paste them into text.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kaso::bootstrap {

struct guest_user {
  std::string name;                              // login name, already validated by the caller
  std::string gecos, shell, homedir;             // empty = distribution default; any bytes
  std::vector<std::string> ssh_authorized_keys;  // OpenSSH public key lines
  std::string password_hash;                     // SHA-512 crypt "$6$..."; empty = locked
};

struct static_ipv4 {
  std::string mac;         // the NIC to configure, "52:54:00:ab:cd:ef"
  std::string address;     // "172.16.4.20"
  unsigned prefix = 24;
  std::string gateway;     // may be empty
  std::string nameserver;  // may be empty
};

struct guest_config {
  std::string instance_id;  // e.g. "kaso-7" (meta-data instance-id)
  std::string hostname;     // the instance name
  std::vector<guest_user> users;
  std::optional<static_ipv4> static_ip;
  std::string phone_home_url;                // empty: no phone home
  std::string ip_report_url;                 // empty: no IP report (see cloud_init.hpp)
  std::vector<std::string> datasource_list;  // e.g. {"NoCloud", "None"}; pinned in user-data
  std::string user_user_data;                // the user's own (user_data.hpp, checked); empty: none
};

}  // namespace kaso::bootstrap
