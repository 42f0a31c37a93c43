// The `kaso identity` verbs of their own. list, get and remove are verb kinds (verb_kinds.hpp),
// registered in registry.cpp. Each factory returns a fresh command for one invocation.
#pragma once

#include <memory>

#include "cli/command.hpp"

namespace kaso::cli::identity {

std::unique_ptr<command> make_create();  // kaso identity create -n NAME (--public-key | --password)
std::unique_ptr<command> make_modify();  // kaso identity modify REF|--id|--name [fields]

}  // namespace kaso::cli::identity
