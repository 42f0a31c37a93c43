// answer_verb: the shape most verbs share. The verb's options say what to ask about (nothing, an
// object's REF | --id ID | --name NAME, a task's ID, or filters), it sends one request, and prints
// the answer: with -o json exactly the JSON the API answered, otherwise the verb's text of it. A
// verb of this shape is plain parameters (an answer_verb_spec); verb_kinds.hpp builds the common
// ones (list, get, remove) from fewer. Run like any command: one instance serves one invocation
// on one thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "cli/api_client.hpp"
#include "cli/command.hpp"
#include "util/error.hpp"

namespace kaso::cli {

// The options that say what a verb asks about, taken into the one string its request needs: an
// object's reference, a task id, a query string.
struct verb_target {
  std::string synopsis;  // the usage-line fragment before "[-o FORMAT]"; "" for none
  std::function<void(cxxopts::Options&)> add_options;
  // REQUIRES: add_options declared the options. An error is a usage error. No I/O.
  std::function<result<std::string>(const cxxopts::ParseResult&)> take;
};

// No options: the verb always asks the same (`kaso identity list`); the target is "".
verb_target no_target();
// REF | --id ID | --name NAME (object_ref.hpp); `noun` reads "identity", "image", ...
verb_target object_target(std::string noun);
// ID | --id ID, a number (task/task_id.hpp).
verb_target task_target();

struct answer_verb_spec {
  std::string group;    // kaso GROUP NAME
  std::string name;
  std::string summary;  // the line in help
  verb_target target;
  // Sends the one request for the target as taken.
  std::function<result<nlohmann::json>(api_client& api, const std::string& target)> request;
  // The text printed for a successful answer without -o json.
  std::function<std::string(const nlohmann::json& answer, const std::string& target,
                            const api_client& api)>
      text;
};

// The command `kaso GROUP NAME <target synopsis> [-o FORMAT]`.
std::unique_ptr<command> make_answer_verb(answer_verb_spec spec);

}  // namespace kaso::cli
