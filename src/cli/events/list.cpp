// kaso events list [--since SEQ] [--kind KIND] [--id ID] [--limit N] [-o FORMAT]:
// GET /api/v1/events with the filters given, in that order.
#include <algorithm>

#include "cli/events/verbs.hpp"
#include "cli/output.hpp"
#include "cli/table.hpp"
#include "cli/url.hpp"

namespace kaso::cli::events {
namespace {

bool is_number(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "uid/pid" of the process that caused the event; "" when the server did not record one.
std::string cause_of(const nlohmann::json& event) {
  auto it = event.is_object() ? event.find("cause") : event.end();
  if (it == event.end() || !it->is_object()) return {};
  return text_of(*it, "uid") + "/" + text_of(*it, "pid");
}

table events_table(const nlohmann::json& events) {
  table t{{"Seq", "Time", "Kind", "Id", "Type", "Cause (uid/pid)"}, {}, {}};
  if (!events.is_array()) return t;
  for (const auto& e : events) {
    t.rows.push_back({text_of(e, "seq"), text_of(e, "time"), text_of(e, "kind"), text_of(e, "id"),
                      text_of(e, "type"), cause_of(e)});
  }
  return t;
}

class list final : public command {
 public:
  list() : command("events", "list", "List events from the event log, oldest first") {}

  std::string synopsis() const override {
    return "[--since SEQ] [--kind KIND] [--id ID] [--limit N] [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    options.add_options()
        ("since", "Only events after sequence number SEQ", cxxopts::value<std::string>(), "SEQ")
        ("kind", "Only events of objects of this kind (identity, image, ...)",
         cxxopts::value<std::string>(), "KIND")
        ("id", "Only events of the object with this id", cxxopts::value<std::string>(), "ID")
        ("limit", "At most N events", cxxopts::value<std::string>(), "N");
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    for (const char* name : {"since", "kind", "id", "limit"}) {
      if (!parsed.count(name)) continue;
      auto value = parsed[name].as<std::string>();
      bool numeric = std::string_view(name) == "since" || std::string_view(name) == "limit";
      if (numeric && !is_number(value)) {
        return error::invalid_argument("--" + std::string(name) + " must be a number, got '" +
                                       value + "'");
      }
      filters_.emplace_back(name, std::move(value));
    }
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    format_ = *format;
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream&) override {
    auto events = api.get("/events" + query_string(filters_));
    if (!events) return events.error();
    if (format_ == output_format::json) {
      print_json(out, *events);
    } else {
      out << render(events_table(*events));
    }
    return ok_status();
  }

 private:
  std::vector<std::pair<std::string, std::string>> filters_;
  output_format format_ = output_format::table;
};

}  // namespace

std::unique_ptr<command> make_list() { return std::make_unique<list>(); }

}  // namespace kaso::cli::events
