// How networks look in tables: the list's columns and the get view's fields. Pure functions of
// the API's network JSON; a missing field shows as an empty cell.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "cli/table.hpp"

namespace kaso::cli::network {

// Columns ID, Name, Kind, CIDR, DHCP range ("172.16.4.10 - 172.16.4.254", or empty when the
// network has none); `networks` is the API's array.
table list_table(const nlohmann::json& networks);

// Id, Name, Kind, CIDR, Host interface, Host IPv4, Gateway4, Nameserver4, DHCPv4 Start,
// DHCPv4 End, Bridge, Used by, Version, Created, Modified.
std::vector<field> fields_of(const nlohmann::json& network);

}  // namespace kaso::cli::network
