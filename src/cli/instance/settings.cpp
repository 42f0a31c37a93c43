// --vcpu, --ram, --display, --autostart, --restart*.
#include "cli/instance/settings.hpp"

#include <algorithm>
#include <iterator>

#include "cli/instance/option_values.hpp"

namespace kaso::cli::instance {
namespace {

constexpr const char* displays[] = {"headless", "vnc", "gui", "cocoa"};
constexpr const char* restart_modes[] = {"never", "on-failure", "always"};
// The server's own bounds (http/machine_routes.cpp), so that a value beyond them is a usage error.
constexpr std::uint64_t max_vcpu = 4096;
constexpr std::uint64_t max_ram_mb = std::uint64_t{1} << 30;

result<std::optional<std::uint64_t>> take_count(const cxxopts::ParseResult& parsed,
                                                const char* name, std::uint64_t max,
                                                std::uint64_t min = 1) {
  if (!parsed.count(name)) return std::optional<std::uint64_t>();
  auto value = parse_count(std::string("--") + name, parsed[name].as<std::string>(), min, max);
  if (!value) return value.error();
  return std::optional<std::uint64_t>(*value);
}

}  // namespace

void add_settings_options(cxxopts::Options& options) {
  options.add_options()
      ("vcpu", "Number of vCPUs to assign to this instance", cxxopts::value<std::string>(), "N")
      ("ram", "Amount of RAM in MB to assign to this instance", cxxopts::value<std::string>(),
       "MB")
      ("display", "How this instance shows its display: headless, vnc, gui or cocoa",
       cxxopts::value<std::string>(), "DISPLAY")
      ("autostart", "Start this instance whenever the server starts")
      ("no-autostart", "Do not start this instance when the server starts (the default)")
      ("restart",
       "When qemu ends unasked, start it again: never, on-failure (the default: not after the "
       "guest powered off) or always",
       cxxopts::value<std::string>(), "POLICY")
      ("restart-limit", "Give up (state failed) after N restarts within the window (default 5)",
       cxxopts::value<std::string>(), "N")
      ("restart-window", "The window of the restart limit, in seconds (default 60)",
       cxxopts::value<std::string>(), "SECONDS")
      ("restart-backoff",
       "Delay before the first restart in milliseconds; doubles with each restart in the window "
       "(default 1000)",
       cxxopts::value<std::string>(), "MS")
      ("restart-backoff-max", "The longest delay before a restart, in milliseconds (default 30000)",
       cxxopts::value<std::string>(), "MS");
}

result<settings> take_settings(const cxxopts::ParseResult& parsed) {
  settings s;
  auto vcpu = take_count(parsed, "vcpu", max_vcpu);
  if (!vcpu) return vcpu.error();
  auto ram = take_count(parsed, "ram", max_ram_mb);
  if (!ram) return ram.error();
  s.vcpu = *vcpu;
  s.ram_mb = *ram;
  if (parsed.count("display")) {
    s.display = parsed["display"].as<std::string>();
    if (std::find(std::begin(displays), std::end(displays), *s.display) == std::end(displays)) {
      return error::invalid_argument("unknown display '" + *s.display +
                                     "' (use headless, vnc, gui or cocoa)");
    }
  }
  if (parsed.count("autostart") && parsed.count("no-autostart")) {
    return error::invalid_argument("give --autostart or --no-autostart, not both");
  }
  if (parsed.count("autostart")) s.autostart = true;
  if (parsed.count("no-autostart")) s.autostart = false;
  if (parsed.count("restart")) {
    s.restart = parsed["restart"].as<std::string>();
    if (std::find(std::begin(restart_modes), std::end(restart_modes), *s.restart) == std::end(restart_modes)) {
      return error::invalid_argument("unknown restart policy '" + *s.restart + "' (use never, on-failure or always)");
    }
  }
  struct bounded {
    const char* name;
    std::optional<std::uint64_t>* out;
    std::uint64_t min, max;
  };
  for (auto [name, out, min, max] : {bounded{"restart-limit", &s.restart_limit, 0, 1000},
                                     bounded{"restart-window", &s.restart_window, 1, 86400},
                                     bounded{"restart-backoff", &s.restart_backoff_ms, 0, 3600000},
                                     bounded{"restart-backoff-max", &s.restart_backoff_max_ms, 0, 3600000}}) {
    auto v = take_count(parsed, name, max, min);
    if (!v) return v.error();
    *out = *v;
  }
  return s;
}

void add_to_body(const settings& s, nlohmann::json& body) {
  if (s.vcpu) body["vcpu"] = *s.vcpu;
  if (s.ram_mb) body["ram"] = *s.ram_mb;
  if (s.display) body["display"] = *s.display;
  if (s.autostart) body["autostart"] = *s.autostart;
  if (s.restart) body["restart"] = *s.restart;
  if (s.restart_limit) body["restart_limit"] = *s.restart_limit;
  if (s.restart_window) body["restart_window"] = *s.restart_window;
  if (s.restart_backoff_ms) body["restart_backoff_ms"] = *s.restart_backoff_ms;
  if (s.restart_backoff_max_ms) body["restart_backoff_max_ms"] = *s.restart_backoff_max_ms;
}

}  // namespace kaso::cli::instance
