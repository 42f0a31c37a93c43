// ID | --id.
#include "cli/task/task_id.hpp"

#include <algorithm>

namespace kaso::cli::task {

void add_task_id_options(cxxopts::Options& options) {
  options.add_options()("id", "The task id", cxxopts::value<std::string>(), "ID");
  // Hidden from -h (only the "" group is shown); the synopsis names ID.
  options.add_options("positional")("task", "The task id", cxxopts::value<std::string>());
  options.parse_positional({"task"});
}

result<std::string> take_task_id(const cxxopts::ParseResult& parsed) {
  auto given = parsed.count("task") + parsed.count("id");
  if (given == 0) return error::invalid_argument("give the task's ID or --id ID");
  if (given > 1) return error::invalid_argument("give only one of ID and --id ID");
  auto id = parsed[parsed.count("task") ? "task" : "id"].as<std::string>();
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (id.empty() || !std::all_of(id.begin(), id.end(), digit)) {
    return error::invalid_argument("the task id must be a number, got '" + id + "'");
  }
  return id;
}

}  // namespace kaso::cli::task
