// Splitting kaso's command line, because cxxopts has no subcommands:
//
//   kaso [global options] GROUP VERB [verb options and arguments]
//        ^ head            ^ group ^ rest
//
// The head ends at the first word that is neither an option nor the value of a global option that
// takes one (-c/--config, --server); "--" ends it too. Pure function.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kaso::cli {

struct split_command_line {
  std::vector<std::string> head;   // global options, without the program name
  std::optional<std::string> group;
  std::vector<std::string> rest;   // after the group: VERB and its arguments
};

// `args` without the program name.
split_command_line split_arguments(const std::vector<std::string>& args);

}  // namespace kaso::cli
