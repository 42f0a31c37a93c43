// How images look in tables: the list's columns, the get view's fields, and the catalogue of
// predefined images. Pure functions of the API's JSON; a missing field shows as an empty cell.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/table.hpp"

namespace kaso::cli::image {

// URLs in tables wrap beyond this many columns, so that a list fits a wide terminal.
inline constexpr std::size_t url_width = 48;
// The get view's values wrap beyond this: its long field names still leave it 80 columns wide.
inline constexpr std::size_t value_width = 50;

// Columns ID, Name, Format, Virtual size, Source; `images` is the API's array.
table list_table(const nlohmann::json& images);

// Id, Name, Path, Format, Virtual size, Size on disk, SHA-256, Source, Minimum vCPUs,
// Minimum RAM (MB), Minimum Disk Space (MB), Used by, Version, Created, Modified.
std::vector<field> fields_of(const nlohmann::json& image);

// Where the image came from: its URL, its file, or "predefined ubuntu-jammy".
std::string source_text(const nlohmann::json& image);

// Columns Name, OS, Version, Arch ("aarch64 (other)" for the other architecture), Format, URL.
table catalogue_table(const nlohmann::json& catalogue);

}  // namespace kaso::cli::image
