// The rules a network must satisfy (listed in network.hpp) and the defaults that fill in a
// host-only or shared network's gateway and nameserver. Private to the network decider
// (network.cpp). Pure: any thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>

#include "domain/ipv4.hpp"
#include "domain/network.hpp"
#include "util/error.hpp"

namespace kaso::domain {

// An empty gateway becomes the first host address; an empty nameserver the first host address
// that is neither the gateway nor in the DHCP range. Fields that do not parse are left alone for
// validate_network to report.
void fill_network_defaults(network& n);

// Every rule that concerns `n` alone: its name, addresses and interface names.
status validate_network(const network& n);

// A host-only or shared network's CIDR must not overlap another host-only or shared network's
// (`n.id` itself excepted): conflict naming the other network.
status check_no_overlap(const networks& all, const network& n);

// The first host address of `net` that is not in [range_start, range_end] and not one of `taken`.
std::optional<std::uint32_t> first_free_host(const ipv4_network& net, std::uint32_t range_start,
                                             std::uint32_t range_end,
                                             std::initializer_list<std::uint32_t> taken);

}  // namespace kaso::domain
