// The `kaso server` verbs. Each factory returns a fresh command for one invocation.
#pragma once

#include <memory>

#include "cli/command.hpp"

namespace kaso::cli::server {

std::unique_ptr<command> make_info();  // kaso server info [-o FORMAT]

}  // namespace kaso::cli::server
