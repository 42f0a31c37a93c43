// How the task verbs name their task: a positional ID or --id ID, exactly one, a number. Tasks
// have no names, so unlike object_ref.hpp there is no --name. Pure functions over cxxopts.
#pragma once

#include <string>
#include <string_view>

#include <cxxopts.hpp>

#include "util/error.hpp"

namespace kaso::cli::task {

// Declares the positional ID and --id.
void add_task_id_options(cxxopts::Options& options);

// The id to send, as typed. REQUIRES: add_task_id_options declared the options. Neither or both,
// or an id that is not a number, is an invalid_argument error.
result<std::string> take_task_id(const cxxopts::ParseResult& parsed);

// The synopsis fragment for a verb's usage line.
inline constexpr std::string_view task_id_synopsis = "(ID | --id ID)";

}  // namespace kaso::cli::task
