// Strict IPv4 helpers for the networks' addresses: dotted quads and CIDR networks as plain
// integers (host byte order), with the arithmetic network validation needs. Strict on purpose:
// these strings end up in qemu options, where libslirp's inet_aton reads "010" as octal 8 and
// "1.2.3" as 1.2.0.3, so anything but four plain decimal parts is refused. Pure; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaso::domain {

// Exactly four parts of 1-3 decimal digits, each 0..255, no leading zeros ("0" itself is fine),
// no spaces or signs. `what` names the value in the message ("gateway '1.2.3' ...").
result<std::uint32_t> parse_ipv4(std::string_view text, std::string_view what = "address");
std::string format_ipv4(std::uint32_t address);

// A network "a.b.c.d/n": `address` is the network address (host bits zero), `prefix` 0..32.
struct ipv4_network {
  std::uint32_t address = 0;
  unsigned prefix = 0;
  friend bool operator==(const ipv4_network&, const ipv4_network&) = default;
};

// Refuses a network with host bits set, naming the network address it should be
// ("172.16.4.0/24" for "172.16.4.1/24"): a typo there would silently move the whole range.
result<ipv4_network> parse_cidr(std::string_view text, std::string_view what = "cidr");
std::string format_cidr(const ipv4_network& n);

// The network of `ip` with `prefix` bits (host bits cleared). REQUIRES: prefix <= 32.
ipv4_network network_of(std::uint32_t ip, unsigned prefix);

// 24 -> 0xffffff00. REQUIRES: prefix <= 32.
std::uint32_t prefix_netmask(unsigned prefix);
// 24 -> "255.255.255.0". REQUIRES: prefix <= 32.
std::string netmask_string(unsigned prefix);
// 0xffffff00 -> 24; nullopt for a mask whose one-bits are not contiguous from the top.
std::optional<unsigned> netmask_prefix(std::uint32_t mask);

std::uint32_t network_address(const ipv4_network& n);
std::uint32_t broadcast_address(const ipv4_network& n);
bool contains(const ipv4_network& n, std::uint32_t ip);
bool overlaps(const ipv4_network& a, const ipv4_network& b);

// The usable host addresses: network + 1 .. broadcast - 1. A /31 has two usable hosts and a /32
// one (RFC 3021), so there the range is the whole network.
std::uint32_t first_host(const ipv4_network& n);
std::uint32_t last_host(const ipv4_network& n);

}  // namespace kaso::domain
