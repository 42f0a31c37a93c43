// How identities look in tables: the list's columns and the get view's fields. Pure functions of
// the API's identity JSON; a missing field shows as an empty cell.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "cli/table.hpp"

namespace kaso::cli::identity {

// Columns ID, Name, Kind, Fingerprint; `identities` is the API's array.
table list_table(const nlohmann::json& identities);

// Id, Name, Kind, Key type, Fingerprint, Public Key, Password, GECOS, Home Directory, Shell,
// Version, Created, Modified.
std::vector<field> fields_of(const nlohmann::json& identity);

}  // namespace kaso::cli::identity
