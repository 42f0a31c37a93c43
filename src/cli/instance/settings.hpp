// The instance settings that `create` and `modify` both set: --vcpu N, --ram MB,
// --display {headless,vnc,gui,cocoa}, --autostart / --no-autostart, and the restart policy
// (--restart {never,on-failure,always}, --restart-limit N, --restart-window SECONDS,
// --restart-backoff MS, --restart-backoff-max MS), each sent exactly when given. take_settings
// checks the command line only (the server checks the policy as a whole).
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
  std::optional<bool> autostart;
  std::optional<std::string> restart;
  std::optional<std::uint64_t> restart_limit, restart_window, restart_backoff_ms, restart_backoff_max_ms;

  bool empty() const {
    return !vcpu && !ram_mb && !display && !autostart && !restart && !restart_limit && !restart_window &&
           !restart_backoff_ms && !restart_backoff_max_ms;
  }
};

inline constexpr const char* settings_synopsis =
    "[--vcpu N] [--ram MB] [--display {headless,vnc,gui,cocoa}] [--autostart|--no-autostart] "
    "[--restart {never,on-failure,always}] [--restart-limit N] [--restart-window SECONDS] "
    "[--restart-backoff MS] [--restart-backoff-max MS]";

void add_settings_options(cxxopts::Options& options);
// A count that is not a positive integer, or an unknown display, is an invalid_argument error.
result<settings> take_settings(const cxxopts::ParseResult& parsed);
void add_to_body(const settings& s, nlohmann::json& body);

}  // namespace kaso::cli::instance
