// Networks: where instances' network cards are attached. A host-only network reaches only the host
// (and, on Linux, only through kaso's forwards), a shared one adds outbound NAT, a bridged one puts
// guests on the host's own LAN. This file holds the read model (`networks`), the commands, the pure
// deciders and the pure fold, as for identities (identity.hpp). No I/O, no clock: host probing
// (platform/host_network.hpp) happens before deciding and arrives as `host_network_defaults`; the
// platform layer (platform/network_nic.hpp) maps a network to a qemu nic.
//
// Events (frozen type strings, schema 1; see doc/event-log.md; as structs in event_types/network.hpp):
//   network.created  {name, kind, cidr, dhcp_start, dhcp_end, gateway, nameserver, host_interface, host_ip4, bridge}
//   network.modified {only the changed ones of: name, cidr, dhcp_start, dhcp_end, gateway,
//                     nameserver, host_interface, host_ip4, bridge}
//   network.removed  {name}
// and, read here for `used_by` (written by the instances' decider):
//   instance.created {name, network_id};  instance.modified {name?, network_id?};  instance.removed {}
//
// The rules of a host-only or shared network (checked on create and on the whole result of a
// modify), beyond well-formed addresses:
//   cidr        required, prefix /8../30, host bits zero; no overlap with another host-only or
//               shared network (vmnet on macOS shares one address space between them)
//   dhcp range  required, inside cidr, start <= end, neither the network nor the broadcast address
//   gateway     default: the first host address; in cidr, outside the DHCP range
//   nameserver  default: the first host address that is neither the gateway nor in the DHCP range;
//               in cidr, outside the DHCP range, and not the gateway: qemu's user networking
//               refuses dns= equal to host= ("DNS must be different from host")
//   and one host address must remain for kaso's guest service (guest_service_address).
// A bridged network has no DHCP range of kaso's; every address is informational and may be empty.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/event.hpp"
#include "util/error.hpp"

namespace kaso::domain {

enum class network_kind { host_only, shared, bridged };  // "host-only", "shared", "bridged"

struct network {
  std::uint64_t id = 0;
  std::string name;
  network_kind kind = network_kind::host_only;
  std::string cidr;                   // "172.16.4.0/24"; bridged: the host's subnet, may be empty
  std::string dhcp_start, dhcp_end;   // host-only/shared only
  std::string gateway;                // host-only/shared: the host as guests see it (slirp host=)
  std::string nameserver;             // the DNS address guests are given
  std::string host_interface;         // bridged: the host's default-route interface ("eth0", "en0")
  std::string host_ip4;               // bridged: that interface's IPv4 (informational)
  std::string bridge;                 // bridged on Linux: the bridge a tap joins ("br0")
  std::set<std::uint64_t> used_by;    // ids of the instances attached to it
  std::uint64_t version = 0;
  std::int64_t created_us = 0, modified_us = 0;
  friend bool operator==(const network&, const network&) = default;
};

// The networks read model.
struct networks {
  std::map<std::uint64_t, network> by_id;
  std::unordered_map<std::string, std::uint64_t> id_by_name;
  std::map<std::uint64_t, std::string> instance_names;  // for messages about used_by
  std::uint64_t next_id = 1;                            // ids are never reused
  friend bool operator==(const networks&, const networks&) = default;

  const network* find(std::uint64_t id) const;
  // A reference is a name, or else a numeric id: names are tried first.
  const network* resolve(std::string_view ref) const;
};

// Every field as given by a caller; absent ones keep their value (modify) or default (create).
struct network_fields {
  std::optional<std::string> name, kind, cidr, dhcp_start, dhcp_end, gateway, nameserver,
      host_interface, host_ip4, bridge;
};

struct create_network {
  network_fields fields;  // name and kind are required
};
struct modify_network {
  std::string ref;
  network_fields changes;  // kind cannot change
};
struct remove_network {
  std::string ref;
};

// What the server knows at first start: its configuration and the host probe.
struct host_network_defaults {
  std::string host_cidr = "172.16.4.0/24", host_dhcp_start = "172.16.4.10",
              host_dhcp_end = "172.16.4.254";
  std::string shared_cidr = "172.16.5.0/24", shared_dhcp_start = "172.16.5.10",
              shared_dhcp_end = "172.16.5.254";
  std::string bridged_interface, bridged_ip4, bridged_cidr, bridged_gateway, bridged_nameserver,
      bridge;
};
struct ensure_predefined_networks {
  host_network_defaults defaults;
};

inline constexpr std::string_view default_host_network = "default_host_network";
inline constexpr std::string_view default_shared_network = "default_shared_network";
inline constexpr std::string_view default_bridged_network = "default_bridged_network";

// Events drafted by a decider carry kind, id, version, type, schema and payload; the store adds
// seq and time, the actor adds the cause. Refusals: invalid_argument naming the field,
// already_exists for a taken name, conflict for an overlap or a network in use, not_found.
result<std::vector<events::event>> decide(const networks& state, const create_network& cmd);
// A modify that changes nothing decides no events.
result<std::vector<events::event>> decide(const networks& state, const modify_network& cmd);
// Refused (conflict) while instances use the network, naming them.
result<std::vector<events::event>> decide(const networks& state, const remove_network& cmd);
// Creates default_host_network, default_shared_network and default_bridged_network from the
// defaults, each only when no network of that name exists; nothing when all exist. Refused when
// a default breaks a rule (e.g. its CIDR overlaps a user's network): the caller reports it.
result<std::vector<events::event>> decide(const networks& state, const ensure_predefined_networks& cmd);

// Applies one network or instance event. Never fails: an event that does not fit (unknown type,
// a missing or mistyped field) is ignored, because replay must always succeed.
void evolve(networks& state, const events::event& e);

// The API's view; `used_by` names the instances using it (the second form knows their names).
nlohmann::json to_json(const network& n);
nlohmann::json to_json(const network& n, const networks& all);

std::string_view to_string(network_kind k);
std::optional<network_kind> parse_network_kind(std::string_view text);

// The address on a host-only or shared network where kaso's guest-facing service appears to
// guests (a slirp guestfwd on Linux): the first host address of the cidr that is not the gateway,
// not the nameserver and not inside the DHCP range. invalid_argument for a bridged network or when
// no such address is left.
result<std::string> guest_service_address(const network& n);

}  // namespace kaso::domain
