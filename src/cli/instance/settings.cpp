// --vcpu, --ram, --display.
#include "cli/instance/settings.hpp"

#include <algorithm>
#include <iterator>

#include "cli/instance/option_values.hpp"

namespace kaso::cli::instance {
namespace {

constexpr const char* displays[] = {"headless", "vnc", "gui", "cocoa"};
// The server's own bounds (http/machine_routes.cpp), so that a value beyond them is a usage error.
constexpr std::uint64_t max_vcpu = 4096;
constexpr std::uint64_t max_ram_mb = std::uint64_t{1} << 30;

result<std::optional<std::uint64_t>> take_count(const cxxopts::ParseResult& parsed,
                                                const char* name, std::uint64_t max) {
  if (!parsed.count(name)) return std::optional<std::uint64_t>();
  auto value = parse_count(std::string("--") + name, parsed[name].as<std::string>(), 1, max);
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
       cxxopts::value<std::string>(), "DISPLAY");
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
  return s;
}

void add_to_body(const settings& s, nlohmann::json& body) {
  if (s.vcpu) body["vcpu"] = *s.vcpu;
  if (s.ram_mb) body["ram"] = *s.ram_mb;
  if (s.display) body["display"] = *s.display;
}

}  // namespace kaso::cli::instance
