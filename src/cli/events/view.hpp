// How events look: the table of `events list` and `events tail`, and the one line per event that
// `events tail -f` prints as events arrive (a table cannot grow downwards once drawn). Pure
// functions of the API's event JSON; a missing field shows as an empty cell.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/table.hpp"

namespace kaso::cli::events {

// Columns Seq, Time, Kind, Id, Type, Cause (uid/pid); `events` is the API's array.
table events_table(const nlohmann::json& events);

// The same columns as one line padded to fixed widths ("    12  2026-...Z  identity  1 ..."),
// with control characters shown as '?'. Ends in '\n'.
std::string event_line(const nlohmann::json& event);
// The column names over event_line's columns. Ends in '\n'.
std::string event_line_header();

}  // namespace kaso::cli::events
