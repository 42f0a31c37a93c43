// The events of networks (doc/event-log.md; the deciders and fold are in domain/network.cpp): one
// struct per frozen type string, its schema and its member list (codec.hpp encodes and decodes
// from it). Value types; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "domain/event_types/codec.hpp"

namespace kaso::domain {

struct network_created {
  static constexpr std::string_view type = "network.created";
  static constexpr std::uint32_t schema = 1;
  std::string kind;  // "host-only", "shared", "bridged"
  std::string name, cidr, dhcp_start, dhcp_end, gateway, nameserver, host_interface, host_ip4, bridge;
  static constexpr auto fields() {
    using S = network_created;
    return std::tuple{field{"kind", &S::kind},
                      field{"name", &S::name},
                      field{"cidr", &S::cidr},
                      field{"dhcp_start", &S::dhcp_start},
                      field{"dhcp_end", &S::dhcp_end},
                      field{"gateway", &S::gateway},
                      field{"nameserver", &S::nameserver},
                      field{"host_interface", &S::host_interface},
                      field{"host_ip4", &S::host_ip4},
                      field{"bridge", &S::bridge}};
  }
  friend bool operator==(const network_created&, const network_created&) = default;
};

// Only what changed; a network's kind never changes.
struct network_modified {
  static constexpr std::string_view type = "network.modified";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> name, cidr, dhcp_start, dhcp_end, gateway, nameserver, host_interface, host_ip4, bridge;
  static constexpr auto fields() {
    using S = network_modified;
    constexpr auto set = presence::when_set;
    return std::tuple{field{"name", &S::name, set},
                      field{"cidr", &S::cidr, set},
                      field{"dhcp_start", &S::dhcp_start, set},
                      field{"dhcp_end", &S::dhcp_end, set},
                      field{"gateway", &S::gateway, set},
                      field{"nameserver", &S::nameserver, set},
                      field{"host_interface", &S::host_interface, set},
                      field{"host_ip4", &S::host_ip4, set},
                      field{"bridge", &S::bridge, set}};
  }
  friend bool operator==(const network_modified&, const network_modified&) = default;
};

struct network_removed {
  static constexpr std::string_view type = "network.removed";
  static constexpr std::uint32_t schema = 1;
  std::string name;
  static constexpr auto fields() { return std::tuple{field{"name", &network_removed::name}}; }
  friend bool operator==(const network_removed&, const network_removed&) = default;
};

}  // namespace kaso::domain
