#include "domain/network.hpp"

#include <array>
#include <charconv>

#include "domain/ipv4.hpp"
#include "domain/network_rules.hpp"
#include "events/codec.hpp"

namespace kaso::domain {
namespace {

constexpr const char* kind_name = "network";

// The text fields a command may set and an event may carry, in payload order. `kind` is apart:
// it is parsed, and it never changes.
struct text_field {
  const char* key;
  std::string network::*in_network;
  std::optional<std::string> network_fields::*in_fields;
};
constexpr std::array<text_field, 9> text_fields = {{
    {"name", &network::name, &network_fields::name},
    {"cidr", &network::cidr, &network_fields::cidr},
    {"dhcp_start", &network::dhcp_start, &network_fields::dhcp_start},
    {"dhcp_end", &network::dhcp_end, &network_fields::dhcp_end},
    {"gateway", &network::gateway, &network_fields::gateway},
    {"nameserver", &network::nameserver, &network_fields::nameserver},
    {"host_interface", &network::host_interface, &network_fields::host_interface},
    {"host_ip4", &network::host_ip4, &network_fields::host_ip4},
    {"bridge", &network::bridge, &network_fields::bridge},
}};

std::optional<std::uint64_t> parse_id(std::string_view text) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id == 0) return std::nullopt;
  return id;
}

events::event make_event(std::uint64_t id, std::uint64_t version, std::string type,
                         nlohmann::json payload) {
  events::event e;
  e.kind = kind_name;
  e.id = std::to_string(id);
  e.version = version;
  e.type = std::move(type);
  e.schema = 1;
  e.payload = std::move(payload);
  return e;
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

const nlohmann::json* member(const nlohmann::json& p, const char* key) {
  if (!p.is_object()) return nullptr;
  auto it = p.find(key);
  return it == p.end() ? nullptr : &*it;
}

std::optional<std::string> string_member(const nlohmann::json& p, const char* key) {
  const auto* v = member(p, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<std::uint64_t> id_member(const nlohmann::json& p, const char* key) {
  const auto* v = member(p, key);
  if (v == nullptr || !v->is_number_integer() || v->get<std::int64_t>() < 0) return std::nullopt;
  return v->get<std::uint64_t>();
}

void apply_payload(network& n, const nlohmann::json& p) {
  for (const auto& t : text_fields) {
    if (auto v = string_member(p, t.key)) n.*t.in_network = std::move(*v);
  }
  if (auto k = string_member(p, "kind")) {
    if (auto kind = parse_network_kind(*k)) n.kind = *kind;
  }
}

void detach_instance(networks& state, std::uint64_t instance) {
  for (auto& [id, n] : state.by_id) n.used_by.erase(instance);
}

void attach_instance(networks& state, std::uint64_t instance, std::uint64_t network_id) {
  auto it = state.by_id.find(network_id);
  if (it != state.by_id.end()) it->second.used_by.insert(instance);
}

void evolve_instance(networks& state, std::uint64_t instance, const events::event& e) {
  const auto& p = e.payload;
  if (e.type == "instance.created") {
    state.instance_names[instance] = string_member(p, "name").value_or("");
    if (auto network_id = id_member(p, "network_id")) attach_instance(state, instance, *network_id);
  } else if (e.type == "instance.modified") {
    if (auto name = string_member(p, "name")) state.instance_names[instance] = *name;
    if (auto network_id = id_member(p, "network_id")) {
      detach_instance(state, instance);
      attach_instance(state, instance, *network_id);
    }
  } else if (e.type == "instance.removed") {
    detach_instance(state, instance);
    state.instance_names.erase(instance);
  }
}

void evolve_network(networks& state, std::uint64_t id, const events::event& e) {
  if (!e.payload.is_object()) return;
  if (e.type == "network.created") {
    network n;
    n.id = id;
    apply_payload(n, e.payload);
    n.version = e.version;
    n.created_us = n.modified_us = e.time_us;
    state.id_by_name[n.name] = id;
    state.by_id[id] = std::move(n);
    state.next_id = std::max(state.next_id, id + 1);
    return;
  }
  auto it = state.by_id.find(id);
  if (it == state.by_id.end()) return;
  network& n = it->second;
  if (e.type == "network.modified") {
    std::string old_name = n.name;
    network_kind kind = n.kind;
    apply_payload(n, e.payload);
    n.kind = kind;  // a kind never changes
    if (n.name != old_name) {
      state.id_by_name.erase(old_name);
      state.id_by_name[n.name] = id;
    }
    n.version = e.version;
    n.modified_us = e.time_us;
  } else if (e.type == "network.removed") {
    state.id_by_name.erase(n.name);
    state.by_id.erase(it);
  }
}

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
  nlohmann::json payload = {{"kind", to_string(n.kind)}};
  for (const auto& t : text_fields) payload[t.key] = n.*t.in_network;
  return std::vector{make_event(n.id, 1, "network.created", std::move(payload))};
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
  nlohmann::json payload = nlohmann::json::object();
  for (const auto& t : text_fields) {
    if (n.*t.in_network != current->*t.in_network) payload[t.key] = n.*t.in_network;
  }
  if (payload.empty()) return std::vector<events::event>{};  // nothing changes: nothing recorded
  return std::vector{make_event(n.id, current->version + 1, "network.modified", std::move(payload))};
}

result<std::vector<events::event>> decide(const networks& state, const remove_network& cmd) {
  const network* current = state.resolve(cmd.ref);
  if (current == nullptr) return error::not_found("network '" + cmd.ref + "' does not exist");
  if (!current->used_by.empty()) {
    return error::conflict("network '" + current->name +
                           "' is used by instances: " + users_of(state, *current));
  }
  return std::vector{
      make_event(current->id, current->version + 1, "network.removed", {{"name", current->name}})};
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
  auto id = parse_id(e.id);
  if (!id) return;
  if (e.kind == "instance") {
    evolve_instance(state, *id, e);
  } else if (e.kind == kind_name) {
    evolve_network(state, *id, e);
  }
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
