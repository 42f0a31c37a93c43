// REF | --id | --name.
#include "cli/object_ref.hpp"

#include <algorithm>

namespace kaso::cli {

void add_object_ref_options(cxxopts::Options& options, std::string_view noun) {
  std::string n(noun);
  options.add_options()("id", "The " + n + " id", cxxopts::value<std::string>(), "ID")(
      "name", "The " + n + " name", cxxopts::value<std::string>(), "NAME");
  // Hidden from -h (only the "" group is shown); the synopsis names REF.
  options.add_options("positional")("ref", "The " + n + " name or id",
                                    cxxopts::value<std::string>());
  options.parse_positional({"ref"});
}

result<std::string> take_object_ref(const cxxopts::ParseResult& parsed) {
  auto given = parsed.count("ref") + parsed.count("id") + parsed.count("name");
  if (given == 0) return error::invalid_argument("give one of REF, --id ID or --name NAME");
  if (given > 1) return error::invalid_argument("give only one of REF, --id ID and --name NAME");
  if (parsed.count("ref")) return parsed["ref"].as<std::string>();
  if (parsed.count("name")) return parsed["name"].as<std::string>();
  auto id = parsed["id"].as<std::string>();
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (id.empty() || !std::all_of(id.begin(), id.end(), digit)) {
    return error::invalid_argument("--id must be a number, got '" + id + "'");
  }
  return id;
}

}  // namespace kaso::cli
