// The events table and the streaming line.
#include "cli/events/view.hpp"

#include <array>

#include "cli/output.hpp"

namespace kaso::cli::events {
namespace {

// "uid/pid" of the process that caused the event; "" when the server did not record one.
std::string cause_of(const nlohmann::json& event) {
  auto it = event.is_object() ? event.find("cause") : event.end();
  if (it == event.end() || !it->is_object()) return {};
  return text_of(*it, "uid") + "/" + text_of(*it, "pid");
}

std::array<std::string, 6> cells_of(const nlohmann::json& e) {
  return {text_of(e, "seq"), text_of(e, "time"), text_of(e, "kind"), text_of(e, "id"),
          text_of(e, "type"), cause_of(e)};
}

// Widths of the line's columns (the time is always 27 wide); the last column is not padded.
constexpr std::array<std::size_t, 6> line_widths{6, 27, 8, 6, 22, 0};

std::string line_of(const std::array<std::string, 6>& cells) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string cell;
    for (char c : cells[i]) {
      auto u = static_cast<unsigned char>(c);
      cell += c == '\t' ? ' ' : (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    const std::size_t width = display_width(cell);
    const std::size_t pad = line_widths[i] > width ? line_widths[i] - width : 0;
    if (i == 0) {
      out += std::string(pad, ' ') + cell;  // numbers align right
    } else {
      out += "  " + cell;
      if (i + 1 < cells.size()) out += std::string(pad, ' ');
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + '\n';
}

}  // namespace

table events_table(const nlohmann::json& events) {
  table t{{"Seq", "Time", "Kind", "Id", "Type", "Cause (uid/pid)"}, {}, {}};
  if (!events.is_array()) return t;
  for (const auto& e : events) {
    auto cells = cells_of(e);
    t.rows.emplace_back(cells.begin(), cells.end());
  }
  return t;
}

std::string event_line(const nlohmann::json& event) { return line_of(cells_of(event)); }

std::string event_line_header() {
  return line_of({"Seq", "Time", "Kind", "Id", "Type", "Cause (uid/pid)"});
}

}  // namespace kaso::cli::events
