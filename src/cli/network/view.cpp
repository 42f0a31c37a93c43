// The network table and get view.
#include "cli/network/view.hpp"

#include <string>

#include "cli/output.hpp"

namespace kaso::cli::network {
namespace {

std::string dhcp_range_text(const nlohmann::json& network) {
  auto start = text_of(network, "dhcp_start");
  auto end = text_of(network, "dhcp_end");
  if (start.empty() && end.empty()) return {};
  return start + " - " + end;
}


}  // namespace

table list_table(const nlohmann::json& networks) {
  table t{{"ID", "Name", "Kind", "CIDR", "DHCP range"}, {}, {}};
  if (!networks.is_array()) return t;
  for (const auto& n : networks) {
    t.rows.push_back({text_of(n, "id"), text_of(n, "name"), text_of(n, "kind"),
                      text_of(n, "cidr"), dhcp_range_text(n)});
  }
  return t;
}

std::vector<field> fields_of(const nlohmann::json& network) {
  return {
      {"Id", text_of(network, "id")},
      {"Name", text_of(network, "name")},
      {"Kind", text_of(network, "kind")},
      {"CIDR", text_of(network, "cidr")},
      {"Host interface", text_of(network, "host_interface")},
      {"Host IPv4", text_of(network, "host_ip4")},
      {"Gateway4", text_of(network, "gateway")},
      {"Nameserver4", text_of(network, "nameserver")},
      {"DHCPv4 Start", text_of(network, "dhcp_start")},
      {"DHCPv4 End", text_of(network, "dhcp_end")},
      {"Bridge", text_of(network, "bridge")},
      {"Used by", used_by_text(network)},
      {"Version", text_of(network, "version")},
      {"Created", text_of(network, "created")},
      {"Modified", text_of(network, "modified")},
  };
}

}  // namespace kaso::cli::network
