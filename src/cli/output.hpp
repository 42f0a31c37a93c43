// What read commands share about printing: the `-o table|json` option, pretty JSON of exactly what
// the API returned, and turning a JSON field into the text of a table cell. Pure functions
// (printing writes only to the stream given).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso::cli {

enum class output_format { table, json };

// Declares `-o, --output FORMAT` (table or json, default table).
void add_output_option(cxxopts::Options& options);
// REQUIRES: add_output_option declared it. An unknown format is an invalid_argument error.
result<output_format> take_output_format(const cxxopts::ParseResult& parsed);

// `value` indented by two spaces, then '\n'.
void print_json(std::ostream& out, const nlohmann::json& value);

// The cell text of `object[key]`: strings as they are, numbers and booleans as JSON writes them,
// "" when the key is missing or null (or `object` is not an object).
std::string text_of(const nlohmann::json& object, std::string_view key);

// The instances an object's "used_by" names, "vm1, vm2" (each a name, or an object with one).
std::string used_by_text(const nlohmann::json& object);

// A byte count in binary units with one decimal: "512 B", "1.0 KiB", "2.2 GiB".
std::string human_size(std::uint64_t bytes);

}  // namespace kaso::cli
