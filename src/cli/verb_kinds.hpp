// The verb kinds several groups share, each an answer_verb (answer_verb.hpp) made from a few
// parameters, so that `kaso identity list` and `kaso image list` are one line each in
// registry.cpp and one piece of code. Every kind takes -o FORMAT; -o json prints the answer as is.
// Any thread; each call makes a fresh command for one invocation.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/answer_verb.hpp"
#include "cli/command.hpp"
#include "cli/table.hpp"

namespace kaso::cli {

// kaso GROUP list [-o FORMAT]: GET `path`, shown as the table `table_of` makes of the array.
struct list_verb {
  std::string group;
  std::string summary;
  std::string path;  // below /api/v1: "/identities"
  table (*table_of)(const nlohmann::json& objects);
};
std::unique_ptr<command> make_list_verb(list_verb spec);

// kaso GROUP get <target> [-o FORMAT]: GET `path`/{target, percent-encoded}, shown as the field
// view `fields_of` makes of the object.
struct get_verb {
  std::string group;
  std::string summary;
  verb_target target;  // object_target("image"), task_target()
  std::string path;    // the prefix: "/images" asks for "/images/{target}"
  std::vector<field> (*fields_of)(const nlohmann::json& object);
  std::size_t value_width = default_value_width;
};
std::unique_ptr<command> make_get_verb(get_verb spec);

// kaso GROUP remove (REF | --id ID | --name NAME) [-o FORMAT]: DELETE `path`/{ref}, which answers
// {"removed": object}; prints "Removed <noun> with id N".
struct remove_verb {
  std::string noun;  // the object's word, also its group: "identity"
  std::string summary;
  std::string path;  // the prefix: "/identities" deletes "/identities/{ref}"
};
std::unique_ptr<command> make_remove_verb(remove_verb spec);

}  // namespace kaso::cli
