// The `kaso task` verbs. Each factory returns a fresh command for one invocation.
#pragma once

#include <memory>

#include "cli/command.hpp"

namespace kaso::cli::task {

std::unique_ptr<command> make_list();    // kaso task list [-o FORMAT]
std::unique_ptr<command> make_get();     // kaso task get ID|--id ID [-o FORMAT]
std::unique_ptr<command> make_cancel();  // kaso task cancel ID|--id ID [-o FORMAT]

}  // namespace kaso::cli::task
