// kaso events list [--since SEQ|TIME] [--kind KIND] [--id ID] [--limit N] [-o FORMAT]:
// GET /api/v1/events with the filters given, in that order.
#include <algorithm>

#include "cli/answer_verb.hpp"
#include "cli/events/since.hpp"
#include "cli/events/verbs.hpp"
#include "cli/events/view.hpp"
#include "cli/output.hpp"
#include "cli/table.hpp"
#include "cli/url.hpp"

namespace kaso::cli::events {
namespace {

// --since, --kind, --id and --limit, taken into the query string in that order.
verb_target filters() {
  auto add = [](cxxopts::Options& options) {
    options.add_options()
        ("since", since_help, cxxopts::value<std::string>(), "SEQ|TIME")
        ("kind", "Only events of objects of this kind (identity, image, ...)",
         cxxopts::value<std::string>(), "KIND")
        ("id", "Only events of the object with this id", cxxopts::value<std::string>(), "ID")
        ("limit", "At most N events", cxxopts::value<std::string>(), "N");
  };
  auto take = [](const cxxopts::ParseResult& parsed) -> result<std::string> {
    std::vector<std::pair<std::string, std::string>> given;
    for (const char* name : {"since", "kind", "id", "limit"}) {
      if (!parsed.count(name)) continue;
      auto value = parsed[name].as<std::string>();
      if (std::string_view(name) == "since") {
        if (auto s = check_since(value); !s.ok()) return s.error();
      } else if (std::string_view(name) == "limit" && !is_number(value)) {
        return error::invalid_argument("--" + std::string(name) + " must be a number, got '" +
                                       value + "'");
      }
      given.emplace_back(name, std::move(value));
    }
    return query_string(given);
  };
  return {"[--since SEQ|TIME] [--kind KIND] [--id ID] [--limit N]", add, take};
}

}  // namespace

std::unique_ptr<command> make_list() {
  return make_answer_verb({
      "events", "list", "List events from the event log, oldest first", filters(),
      [](api_client& api, const std::string& query) { return api.get("/events" + query); },
      [](const nlohmann::json& events, const std::string&, const api_client&) {
        return render(events_table(events));
      },
  });
}

}  // namespace kaso::cli::events
