// The `kaso task` verbs of their own. list and get are verb kinds (verb_kinds.hpp), registered
// in registry.cpp. Each factory returns a fresh command for one invocation.
#pragma once

#include <memory>

#include "cli/command.hpp"

namespace kaso::cli::task {

std::unique_ptr<command> make_cancel();  // kaso task cancel ID|--id ID [-o FORMAT]

}  // namespace kaso::cli::task
