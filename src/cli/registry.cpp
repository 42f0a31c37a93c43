// The one list of groups and verbs.
#include "cli/registry.hpp"

#include "cli/events/verbs.hpp"
#include "cli/identity/verbs.hpp"
#include "cli/image/verbs.hpp"
#include "cli/server/verbs.hpp"
#include "cli/task/verbs.hpp"

namespace kaso::cli {

const std::vector<group_info>& command_groups() {
  static const std::vector<group_info> groups{
      {"identity", "Manage identities: the users who may log in to instances"},
      {"image", "Manage images: the disks instances are created from"},
      {"task", "Follow background tasks: image downloads and imports"},
      {"events", "Read the event log"},
      {"server", "Ask kaso-server about itself"},
  };
  return groups;
}

std::vector<std::unique_ptr<command>> make_commands() {
  std::vector<std::unique_ptr<command>> all;
  all.push_back(identity::make_list());
  all.push_back(identity::make_get());
  all.push_back(identity::make_create());
  all.push_back(identity::make_modify());
  all.push_back(identity::make_remove());
  all.push_back(image::make_list());
  all.push_back(image::make_get());
  all.push_back(image::make_create());
  all.push_back(image::make_modify());
  all.push_back(image::make_remove());
  all.push_back(image::make_catalogue());
  all.push_back(task::make_list());
  all.push_back(task::make_get());
  all.push_back(task::make_cancel());
  all.push_back(events::make_list());
  all.push_back(server::make_info());
  return all;
}

}  // namespace kaso::cli
