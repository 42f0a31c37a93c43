// The `kaso image` verbs. Each factory returns a fresh command for one invocation.
#pragma once

#include <memory>

#include "cli/command.hpp"
#include "cli/task/wait.hpp"

namespace kaso::cli::image {

std::unique_ptr<command> make_list();       // kaso image list [-o FORMAT]
std::unique_ptr<command> make_get();        // kaso image get REF|--id|--name [-o FORMAT]
// kaso image create -n NAME (--url | --predefined | --file) [...] [--no-wait]; `env` paces the
// wait for the download (tests pass their own).
std::unique_ptr<command> make_create(task::wait_env env = task::real_wait_env());
std::unique_ptr<command> make_modify();     // kaso image modify REF|--id|--name [fields]
std::unique_ptr<command> make_remove();     // kaso image remove REF|--id|--name
std::unique_ptr<command> make_catalogue();  // kaso image catalogue [--arch ARCH]

}  // namespace kaso::cli::image
