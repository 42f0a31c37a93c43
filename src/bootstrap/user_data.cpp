#include "bootstrap/user_data.hpp"

#include <yaml.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

namespace kaso::bootstrap {
namespace {

struct parser_deleter {
  void operator()(yaml_parser_t* p) const {
    yaml_parser_delete(p);
    delete p;
  }
};

// Parses every event of `text`; the first error, or whether the first document's top level is a
// mapping.
result<bool> top_level_is_mapping(std::string_view text) {
  std::unique_ptr<yaml_parser_t, parser_deleter> parser(new yaml_parser_t);
  if (yaml_parser_initialize(parser.get()) == 0) {
    delete parser.release();
    return error::internal("cannot start the YAML parser");
  }
  yaml_parser_set_input_string(parser.get(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  int depth = 0;
  std::optional<bool> mapping;
  // Bounded: every event consumes input, and the input is at most max_user_data bytes.
  for (;;) {
    yaml_event_t event;
    if (yaml_parser_parse(parser.get(), &event) == 0) {
      const auto& p = *parser;
      std::string what = p.problem != nullptr ? p.problem : "not YAML";
      if (p.context != nullptr) what = std::string(p.context) + ": " + what;
      return error::invalid_argument("the #cloud-config is not YAML: line " + std::to_string(p.problem_mark.line + 1) +
                                     ": " + what);
    }
    auto type = event.type;
    if (!mapping && depth == 0 &&
        (type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT || type == YAML_SCALAR_EVENT ||
         type == YAML_ALIAS_EVENT)) {
      mapping = type == YAML_MAPPING_START_EVENT;
    }
    if (type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT) ++depth;
    if (type == YAML_MAPPING_END_EVENT || type == YAML_SEQUENCE_END_EVENT) --depth;
    yaml_event_delete(&event);
    if (type == YAML_STREAM_END_EVENT) break;
  }
  return mapping.value_or(false);
}

}  // namespace

result<user_data_kind> check_user_data(std::string_view text) {
  if (text.size() > max_user_data) {
    return error::invalid_argument("the cloud-init user-data has " + std::to_string(text.size()) +
                                   " bytes; at most " + std::to_string(max_user_data) + " are taken");
  }
  if (text.rfind("#!", 0) == 0) return user_data_kind::script;
  if (text.rfind("#cloud-config", 0) != 0) {
    return error::invalid_argument("the cloud-init user-data must begin with #cloud-config or #! (a script)");
  }
  auto mapping = top_level_is_mapping(text);
  if (!mapping.ok()) return mapping.error();
  if (!*mapping) return error::invalid_argument("the #cloud-config must be a YAML mapping (keys such as runcmd:)");
  return user_data_kind::cloud_config;
}

status check_ignition(std::string_view text) {
  if (text.size() > max_user_data) {
    return error::invalid_argument("the Ignition config has " + std::to_string(text.size()) + " bytes; at most " +
                                   std::to_string(max_user_data) + " are taken");
  }
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return error::invalid_argument("the Ignition config is not a JSON object");
  auto ignition = doc.find("ignition");
  if (ignition == doc.end() || !ignition->is_object() || !ignition->contains("version") ||
      !(*ignition)["version"].is_string() || (*ignition)["version"].get<std::string>().rfind("3.", 0) != 0) {
    return error::invalid_argument("the Ignition config needs ignition.version 3.x (spec 3)");
  }
  return ok_status();
}

std::string_view to_string(user_data_kind k) { return k == user_data_kind::script ? "script" : "cloud-config"; }

}  // namespace kaso::bootstrap
