#include "domain/network.hpp"

#include <array>
#include <charconv>

#include "domain/ipv4.hpp"
#include "domain/network_rules.hpp"
#include "domain/event_types/fold_rules.hpp"
#include "domain/event_types/instance.hpp"
#include "domain/event_types/network.hpp"
#include "events/codec.hpp"

namespace kaso::domain {
namespace {

// The text fields a command may set and an event may carry, in payload order. `kind` is apart:
// it is parsed, and it never changes.
// The JSON names are the event structs' (event_types/network.hpp); `key` is the API's.
struct text_field {
  const char* key;
  std::string network::*in_network;
  std::optional<std::string> network_fields::*in_fields;
  std::string network_created::*in_created;
  std::optional<std::string> network_modified::*in_modified;
};
constexpr std::array<text_field, 9> text_fields = {{
    {"name", &network::name, &network_fields::name, &network_created::name, &network_modified::name},
    {"cidr", &network::cidr, &network_fields::cidr, &network_created::cidr, &network_modified::cidr},
    {"dhcp_start", &network::dhcp_start, &network_fields::dhcp_start, &network_created::dhcp_start,
     &network_modified::dhcp_start},
    {"dhcp_end", &network::dhcp_end, &network_fields::dhcp_end, &network_created::dhcp_end,
     &network_modified::dhcp_end},
    {"gateway", &network::gateway, &network_fields::gateway, &network_created::gateway, &network_modified::gateway},
    {"nameserver", &network::nameserver, &network_fields::nameserver, &network_created::nameserver,
     &network_modified::nameserver},
    {"host_interface", &network::host_interface, &network_fields::host_interface, &network_created::host_interface,
     &network_modified::host_interface},
    {"host_ip4", &network::host_ip4, &network_fields::host_ip4, &network_created::host_ip4,
     &network_modified::host_ip4},
    {"bridge", &network::bridge, &network_fields::bridge, &network_created::bridge, &network_modified::bridge},
}};

std::optional<std::uint64_t> parse_id(std::string_view text) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id == 0) return std::nullopt;
  return id;
}

// The network a command describes: `base` with every given field put in, defaults filled in.
network with_fields(network base, const network_fields& f) {
  for (const auto& t : text_fields) {
    if (f.*t.in_fields) base.*t.in_network = *(f.*t.in_fields);
  }
  fill_network_defaults(base);
  return base;
}

// Every rule, the name's uniqueness and the overlap with other networks.
status check_candidate(const networks& state, const network& n, std::string_view old_name) {
  if (auto s = validate_network(n); !s.ok()) return s;
  if (n.name != old_name && state.id_by_name.contains(n.name)) {
    return error::already_exists("network '" + n.name + "' already exists");
  }
  return check_no_overlap(state, n);
}

std::string users_of(const networks& state, const network& n) {
  std::string users;
  for (auto id : n.used_by) {
    auto name = state.instance_names.find(id);
    users += (users.empty() ? "" : ", ") +
             (name != state.instance_names.end() ? name->second : std::to_string(id));
  }
  return users;
}

void detach_instance(networks& state, std::uint64_t instance) {
  for (auto& [id, n] : state.by_id) n.used_by.erase(instance);
}

void attach_instance(networks& state, std::uint64_t instance, std::uint64_t network_id) {
  auto it = state.by_id.find(network_id);
  if (it != state.by_id.end()) it->second.used_by.insert(instance);
}

// Instances are folded here for `used_by` and for the names in messages.
void apply_instance_created(networks& state, std::uint64_t instance, const instance_created& c,
                            const events::event&) {
  state.instance_names[instance] = c.name;
  attach_instance(state, instance, c.network_id);
}

void apply_instance_modified(networks& state, std::uint64_t instance, const instance_modified& m,
                             const events::event&) {
  if (m.name) state.instance_names[instance] = *m.name;
  if (m.network_id) {
    detach_instance(state, instance);
    attach_instance(state, instance, *m.network_id);
  }
}

void apply_instance_removed(networks& state, std::uint64_t instance, const instance_removed&, const events::event&) {
  detach_instance(state, instance);
  state.instance_names.erase(instance);
}

void apply_created(networks& state, std::uint64_t id, const network_created& c, const events::event& e) {
  network n;
  n.id = id;
  for (const auto& t : text_fields) n.*t.in_network = c.*t.in_created;
  if (auto kind = parse_network_kind(c.kind)) n.kind = *kind;
  n.version = e.version;
  n.created_us = n.modified_us = e.time_us;
  state.id_by_name[n.name] = id;
  state.by_id[id] = std::move(n);
  state.next_id = std::max(state.next_id, id + 1);
}

void apply_modified(networks& state, std::uint64_t id, const network_modified& m, const events::event& e) {
  auto it = state.by_id.find(id);
  if (it == state.by_id.end()) return;
  network& n = it->second;
  std::string old_name = n.name;
  for (const auto& t : text_fields) {
    if (const auto& v = m.*t.in_modified) n.*t.in_network = *v;
  }
  if (n.name != old_name) {
    state.id_by_name.erase(old_name);
    state.id_by_name[n.name] = id;
  }
  n.version = e.version;
  n.modified_us = e.time_us;
}

void apply_removed(networks& state, std::uint64_t id, const network_removed&, const events::event&) {
  auto it = state.by_id.find(id);
  if (it == state.by_id.end()) return;
  state.id_by_name.erase(it->second.name);
  state.by_id.erase(it);
}

constexpr fold_rule<networks> rules[] = {
    rule<networks, network_created, apply_created>(),
    rule<networks, network_modified, apply_modified>(),
    rule<networks, network_removed, apply_removed>(),
    rule<networks, instance_created, apply_instance_created>(),
    rule<networks, instance_modified, apply_instance_modified>(),
    rule<networks, instance_removed, apply_instance_removed>(),
};

std::vector<create_network> predefined(const host_network_defaults& d) {
  auto user = [](std::string_view name, std::string_view kind, const std::string& cidr,
                 const std::string& start, const std::string& end) {
    create_network c;
    c.fields.name = std::string(name);
    c.fields.kind = std::string(kind);
    c.fields.cidr = cidr;
    c.fields.dhcp_start = start;
    c.fields.dhcp_end = end;
    return c;
  };
  create_network bridged;
  auto& f = bridged.fields;
  f.name = std::string(default_bridged_network);
  f.kind = "bridged";
  f.cidr = d.bridged_cidr;
  f.gateway = d.bridged_gateway;
  f.nameserver = d.bridged_nameserver;
  f.host_interface = d.bridged_interface;
  f.host_ip4 = d.bridged_ip4;
  f.bridge = d.bridge;
  return {user(default_host_network, "host-only", d.host_cidr, d.host_dhcp_start, d.host_dhcp_end),
          user(default_shared_network, "shared", d.shared_cidr, d.shared_dhcp_start, d.shared_dhcp_end),
          bridged};
}

}  // namespace

const network* networks::find(std::uint64_t id) const {
  auto it = by_id.find(id);
  return it == by_id.end() ? nullptr : &it->second;
}

const network* networks::resolve(std::string_view ref) const {
  if (auto it = id_by_name.find(std::string(ref)); it != id_by_name.end()) return find(it->second);
  auto id = parse_id(ref);
  return id ? find(*id) : nullptr;
}

result<std::vector<events::event>> decide(const networks& state, const create_network& cmd) {
  const auto& f = cmd.fields;
  if (!f.name) return error::invalid_argument("a network needs a name");
  if (!f.kind) return error::invalid_argument("a network needs a kind: host-only, shared or bridged");
  auto kind = parse_network_kind(*f.kind);
  if (!kind) return error::invalid_argument("kind must be host-only, shared or bridged");
  network base;
  base.id = state.next_id;
  base.kind = *kind;
  network n = with_fields(std::move(base), f);
  if (auto s = check_candidate(state, n, ""); !s.ok()) return s.error();
  network_created created;
  created.kind = std::string(to_string(n.kind));
  for (const auto& t : text_fields) created.*t.in_created = n.*t.in_network;
  return std::vector{make_event(created, n.id, 1)};
}

result<std::vector<events::event>> decide(const networks& state, const modify_network& cmd) {
  const network* current = state.resolve(cmd.ref);
  if (current == nullptr) return error::not_found("network '" + cmd.ref + "' does not exist");
  const auto& c = cmd.changes;
  if (c.kind) {
    auto kind = parse_network_kind(*c.kind);
    if (!kind) return error::invalid_argument("kind must be host-only, shared or bridged");
    if (*kind != current->kind) return error::invalid_argument("the kind of a network cannot change");
  }
  network n = with_fields(*current, c);
  if (auto s = check_candidate(state, n, current->name); !s.ok()) return s.error();
  network_modified modified;
  for (const auto& t : text_fields) {
    if (n.*t.in_network != current->*t.in_network) modified.*t.in_modified = n.*t.in_network;
  }
  if (modified == network_modified{}) return std::vector<events::event>{};  // nothing changes: nothing recorded
  return std::vector{make_event(modified, n.id, current->version + 1)};
}

result<std::vector<events::event>> decide(const networks& state, const remove_network& cmd) {
  const network* current = state.resolve(cmd.ref);
  if (current == nullptr) return error::not_found("network '" + cmd.ref + "' does not exist");
  if (!current->used_by.empty()) {
    return error::conflict("network '" + current->name +
                           "' is used by instances: " + users_of(state, *current));
  }
  return std::vector{make_event(network_removed{current->name}, current->id, current->version + 1)};
}

result<std::vector<events::event>> decide(const networks& state, const ensure_predefined_networks& cmd) {
  networks scratch = state;  // each network decided on top of the ones before it
  std::vector<events::event> out;
  for (const auto& c : predefined(cmd.defaults)) {
    if (scratch.id_by_name.contains(*c.fields.name)) continue;
    auto evs = decide(scratch, c);
    if (!evs.ok()) return error(evs.error().code(), *c.fields.name + ": " + evs.error().message());
    for (auto& e : evs.value()) {
      evolve(scratch, e);
      out.push_back(std::move(e));
    }
  }
  return out;
}

void evolve(networks& state, const events::event& e) {
  if (e.kind != "instance" && e.kind != "network") return;
  if (auto id = parse_id(e.id)) fold_by<networks>(rules, state, *id, e);
}

nlohmann::json to_json(const network& n) {
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); };
  nlohmann::json j = {{"id", n.id}, {"kind", to_string(n.kind)}};
  for (const auto& t : text_fields) j[t.key] = or_null(n.*t.in_network);
  j["name"] = n.name;
  nlohmann::json used_by = nlohmann::json::array();
  for (auto id : n.used_by) used_by.push_back(std::to_string(id));
  j["used_by"] = std::move(used_by);
  j["version"] = n.version;
  j["created"] = events::format_time(n.created_us);
  j["modified"] = events::format_time(n.modified_us);
  return j;
}

nlohmann::json to_json(const network& n, const networks& all) {
  nlohmann::json used_by = nlohmann::json::array();
  for (auto id : n.used_by) {
    auto name = all.instance_names.find(id);
    used_by.push_back(name != all.instance_names.end() ? name->second : std::to_string(id));
  }
  auto j = to_json(n);
  j["used_by"] = std::move(used_by);
  return j;
}

std::string_view to_string(network_kind k) {
  switch (k) {
    case network_kind::host_only: return "host-only";
    case network_kind::shared: return "shared";
    case network_kind::bridged: return "bridged";
  }
  return "host-only";
}

std::optional<network_kind> parse_network_kind(std::string_view text) {
  for (auto k : {network_kind::host_only, network_kind::shared, network_kind::bridged}) {
    if (text == to_string(k)) return k;
  }
  return std::nullopt;
}

result<std::string> guest_service_address(const network& n) {
  if (n.kind == network_kind::bridged) {
    return error::invalid_argument("network '" + n.name + "' is bridged: guests reach kaso on the LAN");
  }
  auto net = parse_cidr(n.cidr);
  if (!net.ok()) return net.error();
  auto start = parse_ipv4(n.dhcp_start, "dhcp_start");
  auto end = parse_ipv4(n.dhcp_end, "dhcp_end");
  auto gateway = parse_ipv4(n.gateway, "gateway");
  auto nameserver = parse_ipv4(n.nameserver, "nameserver");
  for (const auto* r : {&start, &end, &gateway, &nameserver}) {
    if (!r->ok()) return r->error();
  }
  auto free = first_free_host(*net, *start, *end, {*gateway, *nameserver});
  if (!free) {
    return error::invalid_argument("network '" + n.name + "' has no address left for kaso's guest service");
  }
  return format_ipv4(*free);
}

}  // namespace kaso::domain
