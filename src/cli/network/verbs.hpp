// The `kaso network` verbs of their own. list, get and remove are verb kinds (verb_kinds.hpp),
// registered in registry.cpp. Each factory returns a fresh command for one invocation.
#pragma once

#include <memory>

#include "cli/command.hpp"

namespace kaso::cli::network {

std::unique_ptr<command> make_create();  // kaso network create -n NAME -k KIND [fields]
std::unique_ptr<command> make_modify();  // kaso network modify REF|--id|--name [fields]

}  // namespace kaso::cli::network
