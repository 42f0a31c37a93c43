#include "domain/instance.hpp"

#include <charconv>

#include "domain/event_types/fold_rules.hpp"
#include "domain/instance_events.hpp"
#include "domain/ipv4.hpp"
#include "domain/names.hpp"
#include "events/codec.hpp"

namespace kaso::domain {
namespace {

using detail::existing;

constexpr std::uint64_t mib = 1024 * 1024;
constexpr std::uint64_t max_disk_size = std::uint64_t{64} << 40;  // 64 TiB: beyond is a typo
constexpr std::uint64_t min_ram_mb = 64;

std::optional<std::uint64_t> parse_id(std::string_view text) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id == 0) return std::nullopt;
  return id;
}

// "cocoa" is the original's name for a local window on macOS.
std::optional<std::string> normal_display(const std::string& d) {
  if (d == "headless" || d == "vnc" || d == "gui") return d;
  if (d == "cocoa") return std::string("gui");
  return std::nullopt;
}

status check_resources(unsigned vcpu, std::uint64_t ram_mb, const host_limits& host) {
  if (vcpu < 1) return error::invalid_argument("vcpu must be at least 1");
  if (vcpu > host.cpus) {
    return error::invalid_argument("vcpu " + std::to_string(vcpu) + " exceeds the host's " +
                                   std::to_string(host.cpus) + " CPUs");
  }
  if (ram_mb < min_ram_mb) return error::invalid_argument("ram must be at least 64 MB");
  if (host.ram_mb != 0 && ram_mb > host.ram_mb) {
    return error::invalid_argument("ram " + std::to_string(ram_mb) + " MB exceeds the host's " +
                                   std::to_string(host.ram_mb) + " MB");
  }
  return ok_status();
}

status check_image(const create_instance& c) {
  const auto& m = c.image.minimums;
  if (c.vcpu < m.min_cpu) {
    return error::invalid_argument("image '" + c.image.name + "' needs at least " + std::to_string(m.min_cpu) + " vCPUs");
  }
  if (c.ram_mb < m.min_ram) {
    return error::invalid_argument("image '" + c.image.name + "' needs at least " + std::to_string(m.min_ram) + " MB of RAM");
  }
  if (c.disk_size < c.image.virtual_size) {
    return error::invalid_argument("disk size " + std::to_string(c.disk_size) + " is smaller than image '" +
                                   c.image.name + "' (" + std::to_string(c.image.virtual_size) + " bytes)");
  }
  if (c.disk_size < m.min_space * mib) {
    return error::invalid_argument("image '" + c.image.name + "' needs a disk of at least " +
                                   std::to_string(m.min_space) + " MB");
  }
  if (c.disk_size > max_disk_size) return error::invalid_argument("disk size exceeds 64 TiB");
  return ok_status();
}

// A static address sits inside the network, outside its DHCP range, on no address the network
// itself uses, and is no other instance's.
status check_static_ip(const machines& s, const network& n, const std::string& ip, std::uint64_t self) {
  auto addr = parse_ipv4(ip);
  if (!addr.ok()) return error::invalid_argument("static IPv4 '" + ip + "': " + addr.error().message());
  if (!n.cidr.empty()) {
    auto net = parse_cidr(n.cidr);
    if (net.ok()) {
      if (!contains(*net, *addr)) {
        return error::invalid_argument("static IPv4 " + ip + " is outside network '" + n.name + "' (" + n.cidr + ")");
      }
      if (*addr == network_address(*net) || *addr == broadcast_address(*net)) {
        return error::invalid_argument("static IPv4 " + ip + " is the network or broadcast address of " + n.cidr);
      }
    }
  }
  auto start = parse_ipv4(n.dhcp_start);
  auto end = parse_ipv4(n.dhcp_end);
  if (start.ok() && end.ok() && *addr >= *start && *addr <= *end) {
    return error::invalid_argument("static IPv4 " + ip + " is inside the DHCP range of network '" + n.name +
                                   "' (" + n.dhcp_start + " - " + n.dhcp_end + ")");
  }
  if (ip == n.gateway || ip == n.nameserver) {
    return error::invalid_argument("static IPv4 " + ip + " is the gateway or nameserver of network '" + n.name + "'");
  }
  if (n.kind != network_kind::bridged) {
    if (auto service = guest_service_address(n); service.ok() && *service == ip) {
      return error::invalid_argument("static IPv4 " + ip + " is kaso's service address on network '" + n.name + "'");
    }
  }
  for (const auto& [id, other] : s.instances.by_id) {
    if (id != self && other.network_id == n.id && other.static_ip4 == ip) {
      return error::conflict("static IPv4 " + ip + " is already used by instance '" + other.name + "'");
    }
  }
  return ok_status();
}

status check_unique_host_resources(const machines& s, const create_instance& c) {
  for (const auto& [id, other] : s.instances.by_id) {
    if (other.mac == c.mac) return error::conflict("MAC " + c.mac + " is already used by '" + other.name + "'");
    if (c.ssh_port != 0 && other.ssh_port == c.ssh_port) {
      return error::conflict("SSH port " + std::to_string(c.ssh_port) + " is already used by '" + other.name + "'");
    }
    for (const auto& f : other.forwards) {
      if (c.ssh_port != 0 && same_host_socket(f, {"tcp", "127.0.0.1", c.ssh_port, 22})) {
        return error::conflict("SSH port " + std::to_string(c.ssh_port) + " is forwarded by '" + other.name + "'");
      }
    }
  }
  return ok_status();
}

void apply_restart(restart_policy& p, const std::string& mode) {
  if (auto m = parse_restart_mode(mode); m.ok()) p.mode = *m;  // "" (older logs): the default
}

void apply_created(instances& s, std::uint64_t id, const instance_created& c, const events::event& e) {
  instance i;
  i.id = id;
  i.name = c.name;
  i.path = c.path;
  i.image_id = c.image_id;
  i.network_id = c.network_id;
  i.identity_ids = c.identity_ids;
  i.vcpu = c.vcpu;
  i.ram_mb = c.ram;
  i.disk_size = c.disk_size;
  i.display = c.display;
  if (auto kind = parse_bootstrapper(c.bootstrapper); kind.ok()) i.bootstrapper = *kind;
  i.static_ip4 = c.static_ip4;
  i.mac = c.mac;
  i.ssh_port = c.ssh_port;
  i.autostart = c.autostart;
  if (c.mounts) {
    for (auto m : *c.mounts) {
      m.uid = e.caused_by.uid;  // whose rights checked it: the creator's
      i.mounts.push_back(std::move(m));
    }
  }
  if (c.user_data) {
    i.user_data_kind = c.user_data->kind;
    i.user_data_bytes = c.user_data->bytes;
  }
  apply_restart(i.restart, c.restart);
  i.restart.max_restarts = c.restart_limit;
  i.restart.window_s = c.restart_window;
  i.restart.backoff_ms = c.restart_backoff_ms;
  i.restart.backoff_max_ms = c.restart_backoff_max_ms;
  i.version = e.version;
  i.created_us = i.modified_us = e.time_us;
  s.id_by_name[i.name] = id;
  s.by_id[id] = std::move(i);
  s.next_id = std::max(s.next_id, id + 1);
}

void apply_removed(instances& s, std::uint64_t id, const instance_removed&, const events::event&) {
  auto it = s.by_id.find(id);
  if (it == s.by_id.end()) return;
  s.id_by_name.erase(it->second.name);
  s.by_id.erase(it);
}

// Every later event: `change` applied to the instance, then its version and time.
template <class Change>
void change(instances& s, std::uint64_t id, const events::event& e, Change change) {
  auto it = s.by_id.find(id);
  if (it == s.by_id.end()) return;
  change(it->second);
  it->second.version = e.version;
  it->second.modified_us = e.time_us;
}

void apply_modified(instances& s, std::uint64_t id, const instance_modified& m, const events::event& e) {
  change(s, id, e, [&](instance& i) {
    if (m.name && *m.name != i.name) {
      s.id_by_name.erase(i.name);
      i.name = *m.name;
      s.id_by_name[i.name] = id;
    }
    if (m.vcpu) i.vcpu = *m.vcpu;
    if (m.ram) i.ram_mb = *m.ram;
    if (m.display) i.display = *m.display;
    if (m.autostart) i.autostart = *m.autostart;
    if (m.restart) apply_restart(i.restart, *m.restart);
    if (m.restart_limit) i.restart.max_restarts = *m.restart_limit;
    if (m.restart_window) i.restart.window_s = *m.restart_window;
    if (m.restart_backoff_ms) i.restart.backoff_ms = *m.restart_backoff_ms;
    if (m.restart_backoff_max_ms) i.restart.backoff_max_ms = *m.restart_backoff_max_ms;
    if (m.path) i.path = *m.path;
    if (m.image_id) i.image_id = *m.image_id;
    if (m.network_id) i.network_id = *m.network_id;
    if (m.identity_ids) i.identity_ids = *m.identity_ids;
    if (m.disk_size) i.disk_size = *m.disk_size;
    if (m.bootstrapper) {
      if (auto kind = parse_bootstrapper(*m.bootstrapper); kind.ok()) i.bootstrapper = *kind;
    }
    if (m.static_ip4) i.static_ip4 = *m.static_ip4;
    if (m.mac) i.mac = *m.mac;
    if (m.ssh_port) i.ssh_port = *m.ssh_port;
    if (m.user_data) {
      i.user_data_kind = m.user_data->kind;
      i.user_data_bytes = m.user_data->bytes;
    }
    if (m.mounts) i.mounts = *m.mounts;  // whose rights: unknown (uid -1), as it always was
  });
}

// The lifecycle, forward and mount events: detail::apply for T.
template <class T>
void apply_later(instances& s, std::uint64_t id, const T& ev, const events::event& e) {
  change(s, id, e, [&](instance& i) { detail::apply(i, ev, e); });
}

template <class T>
constexpr fold_rule<instances> later() {
  return rule<instances, T, apply_later<T>>();
}

constexpr fold_rule<instances> rules[] = {
    rule<instances, instance_created, apply_created>(),
    rule<instances, instance_modified, apply_modified>(),
    rule<instances, instance_removed, apply_removed>(),
    later<instance_starting>(),
    later<instance_started>(),
    later<instance_restarted>(),
    later<instance_start_failed>(),
    later<instance_stopping>(),
    later<instance_stopped>(),
    later<instance_crashed>(),
    later<instance_restart_scheduled>(),
    later<instance_restart_cancelled>(),
    later<instance_gave_up>(),
    later<instance_phoned_home>(),
    later<instance_ip_reported>(),
    later<instance_ready>(),
    later<instance_forward_added>(),
    later<instance_forward_removed>(),
    later<instance_mount_added>(),
    later<instance_mount_removed>(),
};

// The restart policy with `ch`'s changes applied, and the members of `out` that changed.
status restart_changes(const instance& i, const instance_changes& ch, instance_modified& out) {
  restart_policy p = i.restart;
  if (ch.restart) p.mode = *ch.restart;
  if (ch.restart_limit) p.max_restarts = *ch.restart_limit;
  if (ch.restart_window) p.window_s = *ch.restart_window;
  if (ch.restart_backoff_ms) p.backoff_ms = *ch.restart_backoff_ms;
  if (ch.restart_backoff_max_ms) p.backoff_max_ms = *ch.restart_backoff_max_ms;
  if (auto v = validate(p); !v.ok()) return v;
  const restart_policy& before = i.restart;
  if (p.mode != before.mode) out.restart = std::string(to_string(p.mode));
  if (p.max_restarts != before.max_restarts) out.restart_limit = p.max_restarts;
  if (p.window_s != before.window_s) out.restart_window = p.window_s;
  if (p.backoff_ms != before.backoff_ms) out.restart_backoff_ms = p.backoff_ms;
  if (p.backoff_max_ms != before.backoff_max_ms) out.restart_backoff_max_ms = p.backoff_max_ms;
  return ok_status();
}

}  // namespace

const instance* instances::find(std::uint64_t id) const {
  auto it = by_id.find(id);
  return it == by_id.end() ? nullptr : &it->second;
}

const instance* instances::resolve(std::string_view ref) const {
  if (auto it = id_by_name.find(std::string(ref)); it != id_by_name.end()) return find(it->second);
  auto id = parse_id(ref);
  return id ? find(*id) : nullptr;
}

result<std::vector<events::event>> decide(const machines& s, const create_instance& c) {
  if (auto v = validate_name("instance", c.name); !v.ok()) return v.error();
  if (s.instances.id_by_name.contains(c.name)) return error::already_exists("instance '" + c.name + "' already exists");
  if (c.id == 0 || s.instances.by_id.contains(c.id)) return error::internal("instance id taken");
  if (auto v = check_resources(c.vcpu, c.ram_mb, c.host); !v.ok()) return v.error();
  if (auto v = check_image(c); !v.ok()) return v.error();
  auto display = normal_display(c.display);
  if (!display) return error::invalid_argument("display must be headless, vnc, gui or cocoa");
  const auto& b = traits(c.bootstrapper);
  const std::string b_name(b.name);
  const network* n = s.networks.resolve(c.network_ref);
  if (n == nullptr) return error::not_found("network '" + c.network_ref + "' does not exist");
  if (b.seed == seed_kind::served && n->kind == network_kind::bridged) {
    return error::invalid_argument("the " + b_name + " bootstrapper needs a host-only or shared network (kaso serves the seed there)");
  }
  if (b.cloud_init && c.identity_ids.empty() && !c.no_identity && c.user_data_kind.empty()) {
    return error::invalid_argument("nobody could log in to instance '" + c.name +
                                   "': give an identity (--identity-id NAME), or --no-identity to create it so");
  }
  if (!c.static_ip4.empty()) {
    // Only cloud-init's network configuration carries the address into the guest (issue #16:
    // it was silently ignored for ignition and none).
    if (!b.cloud_init) {
      return error::invalid_argument("a static IPv4 address needs the ci or ci-disk bootstrapper: with " + b_name +
                                     " nothing would configure it in the guest");
    }
    if (auto v = check_static_ip(s, *n, c.static_ip4, c.id); !v.ok()) return v.error();
  }
  if (c.user_data_kind == "ignition" && !b.ignition) {
    return error::invalid_argument("--ignition needs the ignition bootstrapper (-b ignition)");
  }
  if (!c.user_data_kind.empty() && c.user_data_kind != "ignition") {
    if (c.user_data_kind != "cloud-config" && c.user_data_kind != "script") {
      return error::invalid_argument("user-data must be a cloud-config, a script or an Ignition config");
    }
    if (!b.cloud_init) {
      return error::invalid_argument("--cloud-init needs the ci or ci-disk bootstrapper: with " + b_name +
                                     " no cloud-init would read it");
    }
  }
  if (auto v = check_unique_host_resources(s, c); !v.ok()) return v.error();
  if (auto v = check_mounts(c.bootstrapper, c.mounts); !v.ok()) return v.error();
  if (c.forwards.size() > max_port_forwards) {
    return error::invalid_argument("an instance takes at most " + std::to_string(max_port_forwards) + " port forwards");
  }
  for (std::size_t k = 0; k < c.forwards.size(); ++k) {
    std::vector<port_forward> earlier(c.forwards.begin(), c.forwards.begin() + static_cast<long>(k));
    if (auto v = check_forward(s, c.id, c.ssh_port, c.forwards[k], earlier); !v.ok()) return v.error();
  }
  if (auto v = validate(c.restart); !v.ok()) return v.error();
  instance_created created;
  created.name = c.name;
  created.path = c.path;
  created.image_id = c.image.id;
  created.network_id = n->id;
  created.identity_ids = {c.identity_ids.begin(), c.identity_ids.end()};
  created.vcpu = c.vcpu;
  created.ram = c.ram_mb;
  created.disk_size = c.disk_size;
  created.display = *display;
  created.bootstrapper = b_name;
  created.static_ip4 = c.static_ip4;
  created.mac = c.mac;
  created.ssh_port = c.ssh_port;
  created.autostart = c.autostart;
  created.restart = std::string(to_string(c.restart.mode));
  created.restart_limit = c.restart.max_restarts;
  created.restart_window = c.restart.window_s;
  created.restart_backoff_ms = c.restart.backoff_ms;
  created.restart_backoff_max_ms = c.restart.backoff_max_ms;
  if (!c.user_data_kind.empty()) created.user_data = user_data_payload{c.user_data_kind, c.user_data_bytes};
  if (!c.mounts.empty()) created.mounts = c.mounts;
  std::vector<events::event> out{make_event(created, c.id, 1)};
  auto forwards = detail::forward_events(c.id, 2, c.forwards);
  out.insert(out.end(), forwards.begin(), forwards.end());
  return out;
}

result<std::vector<events::event>> decide(const machines& s, const modify_instance& c) {
  auto found = existing(s, c.ref);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  const auto& ch = c.changes;
  instance_modified modified;
  if (ch.name && *ch.name != i.name) {
    if (auto v = validate_name("instance", *ch.name); !v.ok()) return v.error();
    if (s.instances.id_by_name.contains(*ch.name)) return error::already_exists("instance '" + *ch.name + "' already exists");
    modified.name = *ch.name;
  }
  if (ch.vcpu || ch.ram_mb) {
    if (auto v = check_resources(ch.vcpu.value_or(i.vcpu), ch.ram_mb.value_or(i.ram_mb), c.host); !v.ok()) return v.error();
    if (ch.vcpu && *ch.vcpu != i.vcpu) modified.vcpu = *ch.vcpu;
    if (ch.ram_mb && *ch.ram_mb != i.ram_mb) modified.ram = *ch.ram_mb;
  }
  if (ch.display) {
    auto d = normal_display(*ch.display);
    if (!d) return error::invalid_argument("display must be headless, vnc, gui or cocoa");
    if (*d != i.display) modified.display = *d;
  }
  if (ch.autostart && *ch.autostart != i.autostart) modified.autostart = *ch.autostart;
  if (auto v = restart_changes(i, ch, modified); !v.ok()) return v.error();
  if (modified == instance_modified{}) return std::vector<events::event>{};
  return std::vector{make_event(modified, i.id, i.version + 1)};
}

result<std::vector<events::event>> decide(const machines& s, const remove_instance& c) {
  auto found = existing(s, c.ref);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (active(i.state)) {
    return error::conflict("instance '" + i.name + "' is " + std::string(to_string(i.state)) +
                           ": stop it first, or remove it with --force");
  }
  return std::vector{make_event(instance_removed{i.name}, i.id, i.version + 1)};
}

result<std::vector<events::event>> decide(const machines& s, const create_network& c) { return decide(s.networks, c); }
result<std::vector<events::event>> decide(const machines& s, const modify_network& c) { return decide(s.networks, c); }
result<std::vector<events::event>> decide(const machines& s, const remove_network& c) { return decide(s.networks, c); }
result<std::vector<events::event>> decide(const machines& s, const ensure_predefined_networks& c) {
  return decide(s.networks, c);
}

std::string_view to_string(instance_state s) {
  for (const auto& [state, word] : instance_state_words) {
    if (state == s) return word;
  }
  return "unknown";
}

void evolve(instances& s, const events::event& e) {
  if (e.kind != "instance") return;
  auto id = parse_id(e.id);
  if (!id) return;
  if (fold_by<instances>(rules, s, *id, e)) return;
  // A type this version does not know (a newer server's) still counts for the version, as it
  // always did.
  change(s, *id, e, [](instance&) {});
}

void evolve(machines& s, const events::event& e) {
  if (e.kind == "network" || e.kind == "instance") evolve(s.networks, e);
  if (e.kind == "instance") evolve(s.instances, e);
}

}  // namespace kaso::domain
