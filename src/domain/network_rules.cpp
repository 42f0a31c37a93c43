#include "domain/network_rules.hpp"

#include <algorithm>
#include <string>

#include "domain/names.hpp"

namespace kaso::domain {
namespace {

// The parsed addresses of a host-only or shared network.
struct user_addresses {
  ipv4_network net;
  std::uint32_t dhcp_start = 0, dhcp_end = 0;
};

error refuse(std::string_view field, const std::string& value, std::string_view why) {
  return error::invalid_argument(std::string(field) + " '" + value + "' " + std::string(why));
}

std::string kind_phrase(const network& n) {
  return n.kind == network_kind::host_only ? "a host-only network" : "a shared network";
}

// [A-Za-z0-9_.-], 1 to 15 characters: what qemu's br= and ifname= accept (IFNAMSIZ - 1).
status validate_ifname(std::string_view field, const std::string& name) {
  if (name.empty()) return ok_status();
  bool ok = name.size() <= 15;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '-');
  }
  if (ok) return ok_status();
  if (has_control_characters(name)) {
    return error::invalid_argument(std::string(field) + " must not contain control characters");
  }
  return refuse(field, name, "is not an interface name: 1 to 15 of A-Z a-z 0-9 _ . -");
}

status validate_optional_ipv4(std::string_view field, const std::string& value) {
  if (value.empty()) return ok_status();
  auto ip = parse_ipv4(value, field);
  return ip.ok() ? ok_status() : status(ip.error());
}

status validate_bridged(const network& n) {
  if (!n.dhcp_start.empty() || !n.dhcp_end.empty()) {
    return error::invalid_argument("a bridged network has no DHCP range: the LAN's DHCP server serves it");
  }
  if (!n.cidr.empty()) {
    if (auto c = parse_cidr(n.cidr); !c.ok()) return c.error();
  }
  for (auto [field, value] : {std::pair<std::string_view, const std::string&>{"gateway", n.gateway},
                              {"nameserver", n.nameserver}, {"host_ip4", n.host_ip4}}) {
    if (auto s = validate_optional_ipv4(field, value); !s.ok()) return s;
  }
  if (auto s = validate_ifname("host_interface", n.host_interface); !s.ok()) return s;
  return validate_ifname("bridge", n.bridge);
}

// Address blocks no guest network may use (issue #15: 127.0.0.0/8 and 224.0.0.0/24 were taken).
status check_not_special(const std::string& text, const ipv4_network& net) {
  struct block {
    const char* cidr;
    const char* what;
  };
  for (auto [cidr, what] : {block{"0.0.0.0/8", "'this network'"}, block{"127.0.0.0/8", "loopback"},
                            block{"169.254.0.0/16", "link-local"}, block{"224.0.0.0/4", "multicast"},
                            block{"240.0.0.0/4", "reserved"}}) {
    auto special = parse_cidr(cidr).value();
    if (contains(special, net.address) || contains(net, special.address)) {
      return refuse("cidr", text, std::string("overlaps the ") + what + " block " + cidr);
    }
  }
  return ok_status();
}

result<user_addresses> parse_user_addresses(const network& n) {
  if (n.cidr.empty()) return error::invalid_argument(kind_phrase(n) + " needs a cidr");
  auto net = parse_cidr(n.cidr);
  if (!net.ok()) return net.error();
  if (net->prefix < 8 || net->prefix > 30) {
    return refuse("cidr", n.cidr, "must have a prefix length from /8 to /30");
  }
  if (auto s = check_not_special(n.cidr, *net); !s.ok()) return s.error();
  if (n.dhcp_start.empty() || n.dhcp_end.empty()) {
    return error::invalid_argument(kind_phrase(n) + " needs dhcp_start and dhcp_end");
  }
  auto start = parse_ipv4(n.dhcp_start, "dhcp_start");
  if (!start.ok()) return start.error();
  auto end = parse_ipv4(n.dhcp_end, "dhcp_end");
  if (!end.ok()) return end.error();
  return user_addresses{*net, *start, *end};
}

// A host address of the network: inside it, neither its network nor its broadcast address.
status check_host_address(std::string_view field, const std::string& value, const ipv4_network& net,
                          std::uint32_t ip) {
  if (!contains(net, ip)) return refuse(field, value, "is outside the cidr " + format_cidr(net));
  if (ip == network_address(net)) return refuse(field, value, "is the network address of the cidr");
  if (ip == broadcast_address(net)) return refuse(field, value, "is the broadcast address of the cidr");
  return ok_status();
}

status check_outside_range(std::string_view field, const network& n, const std::string& value,
                           std::uint32_t ip, const user_addresses& a) {
  if (ip >= a.dhcp_start && ip <= a.dhcp_end) {
    return refuse(field, value, "is inside the DHCP range " + n.dhcp_start + "-" + n.dhcp_end);
  }
  return ok_status();
}

status validate_user(const network& n) {
  if (!n.host_interface.empty() || !n.host_ip4.empty() || !n.bridge.empty()) {
    return error::invalid_argument("host_interface, host_ip4 and bridge belong to bridged networks only");
  }
  auto a = parse_user_addresses(n);
  if (!a.ok()) return a.error();
  if (auto s = check_host_address("dhcp_start", n.dhcp_start, a->net, a->dhcp_start); !s.ok()) return s;
  if (auto s = check_host_address("dhcp_end", n.dhcp_end, a->net, a->dhcp_end); !s.ok()) return s;
  if (a->dhcp_start > a->dhcp_end) {
    return error::invalid_argument("dhcp_start '" + n.dhcp_start + "' is after dhcp_end '" +
                                   n.dhcp_end + "'");
  }
  std::uint32_t ip[2] = {};
  const std::string* values[2] = {&n.gateway, &n.nameserver};
  const char* fields[2] = {"gateway", "nameserver"};
  for (int i = 0; i < 2; ++i) {
    if (values[i]->empty()) return error::invalid_argument(kind_phrase(n) + " needs a " + fields[i]);
    auto parsed = parse_ipv4(*values[i], fields[i]);
    if (!parsed.ok()) return parsed.error();
    ip[i] = *parsed;
    if (auto s = check_host_address(fields[i], *values[i], a->net, ip[i]); !s.ok()) return s;
    if (auto s = check_outside_range(fields[i], n, *values[i], ip[i], *a); !s.ok()) return s;
  }
  if (ip[0] == ip[1]) {
    return refuse("nameserver", n.nameserver,
                  "must differ from the gateway (qemu's user networking refuses dns= equal to host=)");
  }
  if (!first_free_host(a->net, a->dhcp_start, a->dhcp_end, {ip[0], ip[1]})) {
    return error::invalid_argument("cidr " + n.cidr +
                                   " leaves no host address for kaso's guest service outside the DHCP"
                                   " range, the gateway and the nameserver");
  }
  return ok_status();
}

}  // namespace

std::optional<std::uint32_t> first_free_host(const ipv4_network& net, std::uint32_t range_start,
                                             std::uint32_t range_end,
                                             std::initializer_list<std::uint32_t> taken) {
  std::uint64_t last = last_host(net);
  for (std::uint64_t ip = first_host(net); ip <= last; ++ip) {
    if (ip >= range_start && ip <= range_end) {
      ip = range_end;  // skip the whole range at once
      continue;
    }
    if (std::find(taken.begin(), taken.end(), static_cast<std::uint32_t>(ip)) == taken.end()) {
      return static_cast<std::uint32_t>(ip);
    }
  }
  return std::nullopt;
}

void fill_network_defaults(network& n) {
  if (n.kind == network_kind::bridged) return;
  auto net = parse_cidr(n.cidr);
  if (!net.ok()) return;
  if (n.gateway.empty()) n.gateway = format_ipv4(first_host(*net));
  auto start = parse_ipv4(n.dhcp_start);
  auto end = parse_ipv4(n.dhcp_end);
  auto gateway = parse_ipv4(n.gateway);
  if (!n.nameserver.empty() || !start.ok() || !end.ok() || !gateway.ok()) return;
  if (auto free = first_free_host(*net, *start, *end, {*gateway})) n.nameserver = format_ipv4(*free);
}

status validate_network(const network& n) {
  if (auto s = validate_name("network", n.name); !s.ok()) return s;
  return n.kind == network_kind::bridged ? validate_bridged(n) : validate_user(n);
}

status check_no_overlap(const networks& all, const network& n) {
  if (n.kind == network_kind::bridged) return ok_status();
  auto mine = parse_cidr(n.cidr);
  if (!mine.ok()) return mine.error();
  for (const auto& [id, other] : all.by_id) {
    if (id == n.id || other.kind == network_kind::bridged) continue;
    auto theirs = parse_cidr(other.cidr);
    if (theirs.ok() && overlaps(*mine, *theirs)) {
      return error::conflict("cidr " + n.cidr + " overlaps network '" + other.name + "' (" +
                             other.cidr + ")");
    }
  }
  return ok_status();
}

}  // namespace kaso::domain
