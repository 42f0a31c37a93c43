// The `kaso instance` verbs of their own. list and get are verb kinds (verb_kinds.hpp),
// registered in registry.cpp. Each factory returns a fresh command for one invocation.
#pragma once

#include <memory>

#include "cli/command.hpp"
#include "cli/instance/console.hpp"
#include "cli/task/wait.hpp"

namespace kaso::cli::instance {

std::unique_ptr<command> make_create();   // kaso instance create -n NAME --network-id --image-id
std::unique_ptr<command> make_modify();   // kaso instance modify REF [settings]
std::unique_ptr<command> make_remove();   // kaso instance remove REF [--force]
// `env`: how the wait for the server's answer shows (operation_wait.hpp); replaceable in tests.
std::unique_ptr<command> make_start(task::wait_env env = task::real_wait_env());  // kaso instance start REF
std::unique_ptr<command> make_stop(task::wait_env env = task::real_wait_env());   // ... stop REF [--timeout S] [--force]
std::unique_ptr<command> make_restart(task::wait_env env = task::real_wait_env());  // ... restart REF [...]
std::unique_ptr<command> make_shell();    // kaso instance shell REF [--user USER] [-i KEY]
std::unique_ptr<command> make_exec();     // kaso instance exec REF [...] -- COMMAND [ARG]...
std::unique_ptr<command> make_copy();     // kaso instance copy [-r] [NAME:]SRC [NAME:]DST
std::unique_ptr<command> make_logs();     // kaso instance logs REF [-n LINES] [-f]
// kaso instance console REF|--id|--name; `env` names the terminal's ends (tests pass their own).
std::unique_ptr<command> make_console(console_env env = real_console_env());

}  // namespace kaso::cli::instance
