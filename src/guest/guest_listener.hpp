// guest_listener: the only door a guest has into kaso, one per running instance, never the
// management API.
//
// It listens on the instance's own Unix socket (guest.sock in the instance directory, mode 0700
// with it). On Linux user networks qemu forwards the guest's connections to kaso's service address
// there (guestfwd, one `nc -U` per connection), so whoever speaks on this socket is that instance:
// the guest's own claims (instance_id, hostname) are never used to pick the instance.
//
// It answers only:
//   GET  /meta-data /user-data /network-config /vendor-data   the instance's own NoCloud seed
//                                                              (when it has a seed directory)
//   POST /phone-home   cloud-init's phone_home form: host keys, hostname -> on_phone_home
//   POST /ip           `ip -4 -o addr show scope global` output from the guest -> on_ip
// Everything else, /api/v1 included, gets an empty 404. Bodies are capped at 64 KiB.
//
// Thread safety: start/stop from one owner (the instance's actor); the callbacks run on the
// listener's own threads and must only hand the report on (e.g. send a message).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/instance.hpp"
#include "util/error.hpp"

namespace kaso::guest {

struct guest_callbacks {
  std::function<void(domain::phone_home_report)> on_phone_home;
  std::function<void(std::string ip)> on_ip;
};

class guest_listener {
 public:
  // Binds `socket_path` (a stale socket file there is replaced) and serves until destroyed.
  // `seed_dir` empty: no seed files are served.
  static result<std::unique_ptr<guest_listener>> start(const std::string& socket_path, const std::string& seed_dir,
                                                       guest_callbacks callbacks);
  ~guest_listener();
  guest_listener(const guest_listener&) = delete;
  guest_listener& operator=(const guest_listener&) = delete;

 private:
  struct impl;
  explicit guest_listener(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

// Parsing the guest's reports, pure (exposed for tests).
// cloud-init's phone_home form fields -> report; keys that are not "type base64" are dropped.
domain::phone_home_report parse_phone_home(const std::multimap<std::string, std::string>& form);
// The first global IPv4 address in `ip -4 -o addr` output ("2: eth0    inet 10.0.2.15/24 ...").
std::optional<std::string> parse_ip_report(std::string_view text);

}  // namespace kaso::guest
