// The `kaso events` verbs. Each factory returns a fresh command for one invocation.
#pragma once

#include <memory>

#include "cli/command.hpp"

namespace kaso::cli::events {

std::unique_ptr<command> make_list();  // kaso events list [--since] [--kind] [--id] [--limit]

}  // namespace kaso::cli::events
