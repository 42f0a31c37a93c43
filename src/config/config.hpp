// The configuration shared by kaso-server and kaso: the original's keys with the original's
// defaults, plus ours. Read from a JSON file (default `~/.kaso` of the owning user); keys missing
// from the file keep their defaults, unknown keys are reported as warnings, values of the wrong
// type are errors. Value type; any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso {

struct config {
  // The original's table.
  std::filesystem::path path;                 // "~/var/kaso" of the owning user
  std::string default_os_disk_size = "5G";
  std::uint16_t default_phone_home_port = 10200;
  std::string default_server_host = "127.0.0.1";
  std::uint16_t default_server_port = 8000;
  std::string default_host_network_dhcp4_start = "172.16.4.10";
  std::string default_host_network_dhcp4_end = "172.16.4.254";
  std::string default_host_network_cidr = "172.16.4.0/24";
  std::string default_shared_network_dhcp4_start = "172.16.5.10";
  std::string default_shared_network_dhcp4_end = "172.16.5.254";
  std::string default_shared_network_cidr = "172.16.5.0/24";

  // Ours.
  bool tcp_listener = false;        // the TCP listener on default_server_host:port (token needed)
  bool tcp_allow_non_loopback = false;  // let default_server_host be other than a loopback address
  std::string socket_group;         // members of this group may also use the Unix socket
  std::string log_level = "info";   // trace, debug, info, warn, error
  std::filesystem::path catalogue_file;  // empty: the catalogue compiled into the server
  std::string accelerator = "auto";  // auto (kvm where /dev/kvm is usable, hvf on macOS, else tcg), kvm, hvf, tcg

  // Where things live, derived from `path`.
  std::filesystem::path socket_path() const { return path / "kaso.sock"; }
  std::filesystem::path events_path() const { return path / "events"; }
  std::filesystem::path images_path() const { return path / "images"; }
  std::filesystem::path instances_path() const { return path / "instances"; }
  // The bearer token for the TCP listener, beside the configuration file.
  std::filesystem::path token_path;

  nlohmann::json to_json() const;
};

struct loaded_config {
  kaso::config config;
  std::filesystem::path file;          // the file read (it may not exist: then all defaults)
  std::vector<std::string> warnings;   // e.g. "unknown configuration key 'foo'"
};

// The home directory of the user who owns kaso's files: $SUDO_USER's when running under sudo as
// root, else the current user's.
std::filesystem::path owning_user_home();

// The default configuration file: `<owning user home>/.kaso`.
std::filesystem::path default_config_file();

// Loads `file` (or the default file when empty). A missing file gives the defaults; a file that
// exists but is not a JSON object, or has a value of the wrong type, is an invalid_argument error.
result<loaded_config> load_config(const std::filesystem::path& file = {});

// Parses configuration JSON text (for tests and for load_config).
result<loaded_config> parse_config(std::string_view text, const std::filesystem::path& file);

}  // namespace kaso
