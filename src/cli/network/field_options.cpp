// Options and request body fields shared by network create and modify.
#include "cli/network/field_options.hpp"

#include "cli/network/ip4.hpp"

namespace kaso::cli::network {
namespace {

enum class syntax { ip4, ip4_network, any };

struct field_option {
  const char* option;  // --option
  const char* key;     // the API's name
  const char* help;
  const char* arg;
  syntax checked;
};

constexpr field_option field_table[] = {
    {"cidr", "cidr", "The network's address range, e.g. 172.16.4.0/24", "CIDR",
     syntax::ip4_network},
    {"dhcp-start", "dhcp_start", "The first address DHCP hands out", "IP", syntax::ip4},
    {"dhcp-end", "dhcp_end", "The last address DHCP hands out", "IP", syntax::ip4},
    {"gateway", "gateway", "The IPv4 gateway instances use", "IP", syntax::ip4},
    {"nameserver", "nameserver", "The IPv4 nameserver instances use", "IP", syntax::ip4},
    {"host-interface", "host_interface", "The host's interface (bridged networks)", "IFACE",
     syntax::any},
    {"host-ip4", "host_ip4", "The host's IPv4 address on the network", "IP", syntax::ip4},
    {"bridge", "bridge", "The host bridge to attach to", "BRIDGE", syntax::any},
};

status check(const field_option& f, const std::string& value) {
  if (value.empty() || f.checked == syntax::any) return ok_status();
  if (f.checked == syntax::ip4 && !is_ip4(value)) {
    return error::invalid_argument("--" + std::string(f.option) +
                                   " must be an IPv4 address, got '" + value + "'");
  }
  if (f.checked == syntax::ip4_network && !is_ip4_network(value)) {
    return error::invalid_argument("--" + std::string(f.option) +
                                   " must be an IPv4 network like 172.16.4.0/24, got '" + value +
                                   "'");
  }
  return ok_status();
}

}  // namespace

void add_field_options(cxxopts::Options& options) {
  auto adder = options.add_options();
  for (const auto& f : field_table) adder(f.option, f.help, cxxopts::value<std::string>(), f.arg);
}

result<fields> take_fields(const cxxopts::ParseResult& parsed) {
  fields given;
  for (const auto& f : field_table) {
    if (!parsed.count(f.option)) continue;
    auto value = parsed[f.option].as<std::string>();
    if (auto checked = check(f, value); !checked) return checked.error();
    given.emplace_back(f.key, std::move(value));
  }
  return given;
}

void add_to_body(const fields& given, nlohmann::json& body) {
  for (const auto& [key, value] : given) body[key] = value;
}

}  // namespace kaso::cli::network
