// Waiting until an instance is ready (issue #17): polls GET /instances/{ref} until the server says
// `ready` (sshd answered during this boot, instance.ready), showing how far the boot has come on
// `progress` (the boot_stage the server reads from the serial console):
//
//   progress is   | the line is                                  | after the wait
//   --------------+----------------------------------------------+------------------------------
//   a terminal    | "vm1: kernel booting (12 s)", redrawn ('\r') | ended with '\n'
//   anything else | one line per new stage                       | -
//
// It fails when the instance leaves starting/running/restarting (crashed with no restart due,
// stopped, removed: the error says its state and message), or after `limit`: then the console's
// last lines go to `progress` first, and the error says the stage reached and where the whole
// console is (kaso instance logs). Used by start/restart --wait and by shell, exec and copy.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/api_client.hpp"
#include "cli/task/wait.hpp"
#include "util/error.hpp"

namespace kaso::cli::instance {

inline constexpr std::chrono::seconds default_ready_wait{300};
inline constexpr std::uint64_t max_ready_wait_s = 3600;

// The instance as the server showed it once ready.
result<nlohmann::json> wait_until_ready(api_client& api, const std::string& ref, std::chrono::seconds limit,
                                        std::ostream& progress, const task::wait_env& env);

// "kernel booting" for the API's boot_stage "kernel"; "starting qemu" while it starts.
std::string stage_text(const nlohmann::json& instance);

}  // namespace kaso::cli::instance
