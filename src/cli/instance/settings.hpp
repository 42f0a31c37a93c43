// The instance settings that `create` and `modify` both set: --vcpu N, --ram MB and
// --display {headless,vnc,gui,cocoa}, sent as "vcpu", "ram" and "display" exactly when given.
// take_settings checks the command line only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso::cli::instance {

struct settings {
  std::optional<std::uint64_t> vcpu;
  std::optional<std::uint64_t> ram_mb;
  std::optional<std::string> display;

  bool empty() const { return !vcpu && !ram_mb && !display; }
};

inline constexpr const char* settings_synopsis =
    "[--vcpu N] [--ram MB] [--display {headless,vnc,gui,cocoa}]";

void add_settings_options(cxxopts::Options& options);
// A count that is not a positive integer, or an unknown display, is an invalid_argument error.
result<settings> take_settings(const cxxopts::ParseResult& parsed);
void add_to_body(const settings& s, nlohmann::json& body);

}  // namespace kaso::cli::instance
