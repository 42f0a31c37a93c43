// The list of every CLI verb, grouped as `kaso GROUP VERB`. Adding a verb is adding its file and
// one line to make_commands(), or only that line for a verb of a shared kind (verb_kinds.hpp);
// adding a group is a folder of verb files plus one line in command_groups() (and the files in
// CMakeLists.txt). Any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/command.hpp"

namespace kaso::cli {

struct group_info {
  std::string name;
  std::string summary;
};

// The groups in the order `kaso -h` lists them.
const std::vector<group_info>& command_groups();

// A fresh instance of every verb, in the order help lists them within their group.
std::vector<std::unique_ptr<command>> make_commands();

}  // namespace kaso::cli
