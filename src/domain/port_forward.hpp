// Port forwards (issue #17): a port on the host that reaches a port of the guest, on the user
// networks where the guest has no address of the host's (qemu's slirp hostfwd). Written as
// `[tcp|udp:][ADDR:]HOSTPORT:GUESTPORT`; ADDR is 127.0.0.1 unless given, so reaching a guest from
// other machines (0.0.0.0 or an address of an interface) is always asked for by name.
//
// Pure functions and value types: any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace kaso::domain {

struct port_forward {
  std::string proto = "tcp";  // tcp or udp
  std::string address = "127.0.0.1";
  std::uint16_t host_port = 0;
  std::uint16_t guest_port = 0;
  friend bool operator==(const port_forward&, const port_forward&) = default;
};

// The most forwards one instance takes.
inline constexpr std::size_t max_port_forwards = 64;

// `[tcp|udp:][ADDR:]HOSTPORT:GUESTPORT`; invalid_argument saying what is wrong.
result<port_forward> parse_port_forward(std::string_view text);

// For a removal: the same, or only its host side `[tcp|udp:][ADDR:]HOSTPORT` (guest_port 0).
result<port_forward> parse_port_forward_host(std::string_view text);

// "tcp:127.0.0.1:8080:80": the full form, which parse_port_forward reads back.
std::string to_string(const port_forward& f);

// Whether `a` and `b` would take the same host socket: same protocol and port, and the same
// address or either one the wildcard 0.0.0.0.
bool same_host_socket(const port_forward& a, const port_forward& b);

}  // namespace kaso::domain
