// list, get and remove, as answer_verbs.
#include "cli/verb_kinds.hpp"

#include "cli/output.hpp"
#include "cli/url.hpp"

namespace kaso::cli {

std::unique_ptr<command> make_list_verb(list_verb spec) {
  auto path = spec.path;
  auto table_of = spec.table_of;
  return make_answer_verb({
      std::move(spec.group), "list", std::move(spec.summary), no_target(),
      [path](api_client& api, const std::string&) { return api.get(path); },
      [table_of](const nlohmann::json& objects, const std::string&, const api_client&) {
        return render(table_of(objects));
      },
  });
}

std::unique_ptr<command> make_get_verb(get_verb spec) {
  auto path = spec.path + "/";
  auto fields_of = spec.fields_of;
  auto width = spec.value_width;
  return make_answer_verb({
      std::move(spec.group), "get", std::move(spec.summary), std::move(spec.target),
      [path](api_client& api, const std::string& target) {
        return api.get(path + percent_encode(target));
      },
      [fields_of, width](const nlohmann::json& object, const std::string&, const api_client&) {
        return render_fields(fields_of(object), width);
      },
  });
}

std::unique_ptr<command> make_remove_verb(remove_verb spec) {
  auto path = spec.path + "/";
  auto said = "Removed " + spec.noun + " with id ";
  auto target = object_target(spec.noun);
  return make_answer_verb({
      std::move(spec.noun), "remove", std::move(spec.summary), std::move(target),
      [path](api_client& api, const std::string& ref) {
        return api.del(path + percent_encode(ref));
      },
      [said](const nlohmann::json& answer, const std::string&, const api_client&) {
        auto it = answer.is_object() ? answer.find("removed") : answer.end();
        return said + (it != answer.end() ? text_of(*it, "id") : std::string()) + '\n';
      },
  });
}

}  // namespace kaso::cli
