// The `kaso image` verbs of their own. list, get and remove are verb kinds (verb_kinds.hpp),
// registered in registry.cpp. Each factory returns a fresh command for one invocation.
#pragma once

#include <memory>

#include "cli/command.hpp"
#include "cli/task/wait.hpp"

namespace kaso::cli::image {

// kaso image create -n NAME (--url | --predefined | --file) [...] [--no-wait]; `env` paces the
// wait for the download (tests pass their own).
std::unique_ptr<command> make_create(task::wait_env env = task::real_wait_env());
std::unique_ptr<command> make_modify();     // kaso image modify REF|--id|--name [fields]
std::unique_ptr<command> make_catalogue();  // kaso image catalogue [--arch ARCH]

}  // namespace kaso::cli::image
