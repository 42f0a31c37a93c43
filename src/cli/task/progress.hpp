// The progress of a task as text: the line `kaso image create` redraws while it waits, and the
// progress cells of the task views. The line looks like the original's (Rich) progress bar:
//
//   Download image jammy... ━━━━━━╺━━━━━━━━━━━━  33% 216.7/650.0 MiB 12.3 MiB/s ETA 0:00:35
//
// The bar is up to max_bar_width cells wide (shortened here). On a terminal it narrows so that the
// line fits, and the part still to do is drawn dimmed, in colour, as Rich does; without colour it
// is blank. A total of 0 means unknown: then only what is done and the rate are shown. The counts
// are bytes (downloads and imports are the only tasks). Pure functions of the API's task JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kaso::cli::task {

struct task_progress {
  std::uint64_t done = 0;
  std::uint64_t total = 0;  // 0: unknown
  double rate = 0;          // bytes per second; 0: unknown
};

// The task's "progress" object; a missing or malformed field reads as 0.
task_progress progress_of(const nlohmann::json& task);

// What the task does to which object, from "kind" and "object": "Download image jammy...".
std::string task_label(const nlohmann::json& task);

inline constexpr std::size_t max_bar_width = 40;

// `label`, a bar `bar_width` cells wide (none for 0), percent, done/total, rate and time left, on
// one line without '\n'.
std::string progress_line(std::string_view label, const task_progress& p, bool colour,
                          std::size_t bar_width = max_bar_width);

// The widest bar, up to max_bar_width, with which the line leaves the last of `columns` free (a
// terminal wraps a line that fills it); 0 when none fits.
std::size_t fitting_bar_width(std::string_view label, const task_progress& p,
                              std::size_t columns);

// "33%": the percent of a known total, rounded down; "" when the total is unknown.
std::string percent_text(const task_progress& p);
// "216.7/650.0 MiB", both in the unit of the total; "216.7 MiB" when the total is unknown.
std::string amount_text(const task_progress& p);
// "12.3 MiB/s"; "?/s" when the rate is unknown.
std::string rate_text(const task_progress& p);
// Time left at the current rate, "0:00:35"; "-:--:--" when it cannot be known.
std::string eta_text(const task_progress& p);

}  // namespace kaso::cli::task
