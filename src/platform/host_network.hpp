// Host network probing: which interface carries the default route, its IPv4 network, the gateway
// and the first IPv4 nameserver. The server asks once at start, to fill in the bridged network's
// informational fields (domain::host_network_defaults). probe_default_route has one implementation
// per OS (linux/, macos/), chosen by CMake; the text parsers are pure and compile everywhere, so
// tests feed them samples.
//
// Thread safety: any thread. The probes read /proc and /etc and call getifaddrs(3): quick, but
// blocking file reads, so call them from a thread that may block, not a cooperative scheduler.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaso::platform {

struct default_route {
  std::string interface;   // "eth0", "en0"
  std::string ip4;         // the interface's IPv4 address; empty when it has none
  std::string cidr;        // the interface's network, "192.168.1.0/24"; empty when unknown
  std::string gateway;     // empty when unknown (macOS) or when the route has no gateway
  std::string nameserver;  // the first IPv4 nameserver of /etc/resolv.conf; empty when none
  friend bool operator==(const default_route&, const default_route&) = default;
};

// Errors: not_found (no default route: an offline host), io_error (the routing table could not
// be read). Missing details (no IPv4 on the interface, no resolv.conf) leave fields empty.
result<default_route> probe_default_route();

// One line of /proc/net/route, as far as the default route needs it.
struct route_entry {
  std::string interface;
  std::string gateway;  // dotted quad; empty when the route has no gateway flag
  std::uint32_t metric = 0;
  friend bool operator==(const route_entry&, const route_entry&) = default;
};

// The default IPv4 route (destination and mask 00000000, flag RTF_UP) with the lowest metric in
// the text of /proc/net/route, whose addresses the kernel prints as little-endian hex (the byte
// order of x86_64 and aarch64). Errors: not_found when there is none.
result<route_entry> parse_proc_net_route(std::string_view text);

// The first `nameserver` line of resolv.conf text that names a plain IPv4 address; empty when
// none. IPv6 nameservers and comments are skipped.
std::string parse_resolv_conf(std::string_view text);

// The IPv4 address and network of `interface` (getifaddrs). Errors: not_found when the interface
// has no IPv4 address, io_error when getifaddrs fails.
struct interface_ipv4 {
  std::string ip4, cidr;
};
result<interface_ipv4> probe_interface_ipv4(const std::string& interface);

// parse_resolv_conf of /etc/resolv.conf; empty when it cannot be read.
std::string probe_nameserver();

}  // namespace kaso::platform
