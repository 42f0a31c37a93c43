// --min-cpu, --min-ram, --min-space.
#include "cli/image/minimums.hpp"

#include <charconv>
#include <string>

namespace kaso::cli::image {
namespace {

result<std::optional<std::uint64_t>> take_count(const cxxopts::ParseResult& parsed,
                                                 const char* name) {
  if (!parsed.count(name)) return std::optional<std::uint64_t>();
  const auto& text = parsed[name].as<std::string>();
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, value);
  // from_chars takes no sign, so "-1" and "+1" stop at once.
  if (text.empty() || ec != std::errc() || stop != end) {
    return error::invalid_argument("--" + std::string(name) +
                                   " must be a non-negative integer, got '" + text + "'");
  }
  return std::optional<std::uint64_t>(value);
}

}  // namespace

void add_minimum_options(cxxopts::Options& options) {
  options.add_options()
      ("min-cpu", "Minimum number of vCPUs an instance needs", cxxopts::value<std::string>(), "N")
      ("min-ram", "Minimum RAM an instance needs, in MB", cxxopts::value<std::string>(), "MB")
      ("min-space", "Minimum disk space an instance needs, in MB", cxxopts::value<std::string>(),
       "MB");
}

result<minimums> take_minimums(const cxxopts::ParseResult& parsed) {
  auto cpu = take_count(parsed, "min-cpu");
  if (!cpu) return cpu.error();
  auto ram = take_count(parsed, "min-ram");
  if (!ram) return ram.error();
  auto space = take_count(parsed, "min-space");
  if (!space) return space.error();
  return minimums{*cpu, *ram, *space};
}

void add_to_body(const minimums& m, nlohmann::json& body) {
  if (m.cpu) body["min_cpu"] = *m.cpu;
  if (m.ram_mb) body["min_ram"] = *m.ram_mb;
  if (m.space_mb) body["min_space"] = *m.space_mb;
}

}  // namespace kaso::cli::image
