// Top-level commands: `kaso VERB` with no group (group() is ""), listed first by `kaso -h`.
#pragma once

#include <memory>

#include "cli/command.hpp"
#include "cli/task/wait.hpp"

namespace kaso::cli::launch {

// kaso launch [IMAGE] [-n NAME] ...: see launch.cpp.
std::unique_ptr<command> make_launch(task::wait_env env = task::real_wait_env());

}  // namespace kaso::cli::launch
