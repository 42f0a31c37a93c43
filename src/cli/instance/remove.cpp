// kaso instance remove (REF | --id ID | --name NAME) [--force] [-o FORMAT]: DELETE
// /api/v1/instances/{ref}, with ?force=true when --force is given (without it the server refuses
// to remove a running instance); prints "Removed instance with id N". An answer_verb whose target
// is the path below /instances, query included. Removing stops a running instance first, which the
// server allows 120 s: the client waits 180 s.
#include <chrono>
#include <string>

#include "cli/answer_verb.hpp"
#include "cli/instance/verbs.hpp"
#include "cli/object_ref.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli::instance {
namespace {

constexpr std::chrono::seconds remove_read_timeout{180};

verb_target ref_and_force() {
  return {std::string(object_ref_synopsis) + " [--force]",
          [](cxxopts::Options& options) {
            add_object_ref_options(options, "instance");
            options.add_options()("force", "Remove the instance even if it is running");
          },
          [](const cxxopts::ParseResult& parsed) -> result<std::string> {
            auto ref = take_object_ref(parsed);
            if (!ref) return ref.error();
            return percent_encode(*ref) + (parsed.count("force") ? "?force=true" : "");
          }};
}

}  // namespace

std::unique_ptr<command> make_remove() {
  return make_answer_verb({
      "instance", "remove", "Remove an instance", ref_and_force(),
      [](api_client& api, const std::string& target) {
        api.set_read_timeout(remove_read_timeout);
        return api.del("/instances/" + target);
      },
      [](const nlohmann::json& answer, const std::string&, const api_client&) {
        auto it = answer.is_object() ? answer.find("removed") : answer.end();
        return "Removed instance with id " +
               (it != answer.end() ? text_of(*it, "id") : std::string()) + '\n';
      },
  });
}

}  // namespace kaso::cli::instance
