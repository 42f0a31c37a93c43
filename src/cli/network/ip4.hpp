// IPv4 syntax, for options that take an address or a network (kaso network create --gateway,
// kaso instance create --static-ip4), so that a typo is a usage error before anything is sent.
// Whether an address fits a network is the server's to judge. Pure functions.
#pragma once

#include <string>

namespace kaso::cli::network {

// A dotted quad of four decimal parts: "172.16.4.1" (not "10.1", "0x7f.0.0.1" or "1.2.3.4 ").
bool is_ip4(const std::string& text);
// An address and a prefix length of 0 to 32: "172.16.4.0/24".
bool is_ip4_network(const std::string& text);

}  // namespace kaso::cli::network
