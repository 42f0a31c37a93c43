// The one list of groups and verbs.
#include "cli/registry.hpp"

#include "cli/events/verbs.hpp"
#include "cli/identity/verbs.hpp"
#include "cli/identity/view.hpp"
#include "cli/image/verbs.hpp"
#include "cli/image/view.hpp"
#include "cli/instance/verbs.hpp"
#include "cli/instance/view.hpp"
#include "cli/launch/verbs.hpp"
#include "cli/network/verbs.hpp"
#include "cli/network/view.hpp"
#include "cli/server/verbs.hpp"
#include "cli/task/verbs.hpp"
#include "cli/task/view.hpp"
#include "cli/verb_kinds.hpp"

namespace kaso::cli {

const std::vector<group_info>& command_groups() {
  static const std::vector<group_info> groups{
      {"identity", "Manage identities: the users who may log in to instances"},
      {"image", "Manage images: the disks instances are created from"},
      {"network", "Manage networks: what instances are attached to"},
      {"instance", "Manage instances: the virtual machines"},
      {"task", "Follow background tasks: image downloads and imports"},
      {"events", "Read the event log"},
      {"server", "Ask kaso-server about itself"},
  };
  return groups;
}

// A verb of a shared kind (verb_kinds.hpp) is registered with its parameters; the others have a
// factory in their group's verbs.hpp.
std::vector<std::unique_ptr<command>> make_commands() {
  std::vector<std::unique_ptr<command>> all;
  all.push_back(launch::make_launch());  // top level: kaso launch
  all.push_back(
      make_list_verb({"identity", "List identities", "/identities", identity::list_table}));
  all.push_back(make_get_verb({"identity", "Show one identity", object_target("identity"),
                               "/identities", identity::fields_of}));
  all.push_back(identity::make_create());
  all.push_back(identity::make_modify());
  all.push_back(make_remove_verb({"identity", "Remove an identity", "/identities"}));
  all.push_back(make_list_verb({"image", "List images", "/images", image::list_table}));
  all.push_back(make_get_verb({"image", "Show one image", object_target("image"), "/images",
                               image::fields_of, image::value_width}));
  all.push_back(image::make_create());
  all.push_back(image::make_modify());
  all.push_back(make_remove_verb({"image", "Remove an image", "/images"}));
  all.push_back(image::make_catalogue());
  all.push_back(make_list_verb({"network", "List networks", "/networks", network::list_table}));
  all.push_back(make_get_verb({"network", "Show one network", object_target("network"),
                               "/networks", network::fields_of}));
  all.push_back(network::make_create());
  all.push_back(network::make_modify());
  all.push_back(make_remove_verb({"network", "Remove a network", "/networks"}));
  all.push_back(make_list_verb({"instance", "List instances", "/instances", instance::list_table}));
  all.push_back(make_get_verb({"instance", "Show one instance", object_target("instance"),
                               "/instances", instance::fields_of, instance::value_width}));
  all.push_back(instance::make_create());
  all.push_back(instance::make_modify());
  all.push_back(instance::make_remove());
  all.push_back(instance::make_start());
  all.push_back(instance::make_stop());
  all.push_back(instance::make_restart());
  all.push_back(instance::make_console());
  all.push_back(instance::make_logs());
  all.push_back(instance::make_shell());
  all.push_back(instance::make_exec());
  all.push_back(instance::make_copy());
  all.push_back(make_list_verb({"task", "List background tasks", "/tasks", task::list_table}));
  all.push_back(make_get_verb({"task", "Show one background task", task_target(), "/tasks",
                               task::fields_of}));
  all.push_back(task::make_cancel());
  all.push_back(events::make_list());
  all.push_back(events::make_tail());
  all.push_back(server::make_info());
  return all;
}

}  // namespace kaso::cli
