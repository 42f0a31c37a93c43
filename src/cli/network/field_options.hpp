// The network fields that `create` and `modify` both set: --cidr, --dhcp-start, --dhcp-end,
// --gateway, --nameserver, --host-interface, --host-ip4 and --bridge, each sent under its API name
// ("cidr", "dhcp_start", ...) exactly when given. The addresses are checked for IPv4 syntax here
// (ip4.hpp); whether they fit together is the server's to judge. An empty value is sent as ""
// (clearing the field). Pure functions over cxxopts.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso::cli::network {

// The given fields in declaration order: {"cidr", "10.0.0.0/24"}, ...
using fields = std::vector<std::pair<std::string, std::string>>;

void add_field_options(cxxopts::Options& options);
// A value that is not an IPv4 address (or, for --cidr, a network like 10.0.0.0/24) is an
// invalid_argument error.
result<fields> take_fields(const cxxopts::ParseResult& parsed);
void add_to_body(const fields& given, nlohmann::json& body);

// The usage-line fragment naming every field option.
inline constexpr const char* fields_synopsis =
    "[--cidr CIDR] [--dhcp-start IP] [--dhcp-end IP] [--gateway IP] [--nameserver IP] "
    "[--host-interface IFACE] [--host-ip4 IP] [--bridge BRIDGE]";

}  // namespace kaso::cli::network
