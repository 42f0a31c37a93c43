// --since for every verb that reads the event log (events list, events tail): a sequence number,
// or an ISO-8601 UTC time (2026-11-30T12:00:00Z, an optional fraction). The client checks only
// the shape; the server resolves a time to the first event recorded at or after it (issue #16:
// list took only numbers, tail times too). Pure; any thread.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaso::cli::events {

inline bool is_number(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// YYYY-MM-DDTHH:MM:SS, an optional fraction, Z: the shape events::parse_time takes (the server
// checks the values).
inline bool looks_like_time(std::string_view s) {
  constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
  if (s.size() < shape.size() + 1 || s.back() != 'Z') return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    bool digit = s[i] >= '0' && s[i] <= '9';
    if (shape[i] == 'd' ? !digit : s[i] != shape[i]) return false;
  }
  auto rest = s.substr(shape.size(), s.size() - shape.size() - 1);
  return rest.empty() || (rest.size() >= 2 && rest.front() == '.' && is_number(rest.substr(1)));
}

inline status check_since(const std::string& since) {
  if (is_number(since) || looks_like_time(since)) return ok_status();
  return error::invalid_argument("--since must be a sequence number or a UTC time like 2026-11-30T12:00:00Z, got '" +
                                 since + "'");
}

inline constexpr const char* since_help = "Only events from sequence number SEQ, or recorded at or after TIME "
                                          "(UTC, 2026-11-30T12:00:00Z)";

}  // namespace kaso::cli::events
