// The `kaso identity` verbs. Each factory returns a fresh command for one invocation.
#pragma once

#include <memory>

#include "cli/command.hpp"

namespace kaso::cli::identity {

std::unique_ptr<command> make_list();    // kaso identity list [-o FORMAT]
std::unique_ptr<command> make_get();     // kaso identity get REF|--id|--name [-o FORMAT]
std::unique_ptr<command> make_create();  // kaso identity create -n NAME (--public-key | --password)
std::unique_ptr<command> make_modify();  // kaso identity modify REF|--id|--name [fields]
std::unique_ptr<command> make_remove();  // kaso identity remove REF|--id|--name

}  // namespace kaso::cli::identity
