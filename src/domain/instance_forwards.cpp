// Port forwards of instances (port_forward.hpp): their deciders and their fold. A forward takes a
// host socket (protocol, address, port) that no other forward and no instance's SSH forward may
// take; see instance.hpp.
#include "domain/instance.hpp"
#include "domain/instance_events.hpp"

namespace kaso::domain {
namespace {

using detail::existing;

// A forward as its events carry it, and back.
forward_members members_of(const port_forward& f) { return {f.proto, f.address, f.host_port, f.guest_port}; }
port_forward forward_of(const forward_members& m) { return {m.proto, m.address, m.host_port, m.guest_port}; }

// The SSH forward of an instance, as a forward (it takes 127.0.0.1:ssh_port).
port_forward ssh_forward(std::uint16_t port) { return {"tcp", "127.0.0.1", port, 22}; }

const port_forward* find_forward(const instance& i, const port_forward& f) {
  for (const auto& g : i.forwards) {
    if (g.proto == f.proto && g.address == f.address && g.host_port == f.host_port) return &g;
  }
  return nullptr;
}

}  // namespace

status check_forward(const machines& s, std::uint64_t self_id, std::uint16_t ssh_port, const port_forward& f,
                     const std::vector<port_forward>& earlier) {
  if (ssh_port == 0) {
    return error::invalid_argument("port forwards are for instances on host-only and shared networks: on a bridged "
                                   "network the guest is reached at its own address");
  }
  auto taken = [&](const std::string& by) {
    return error::conflict("host port " + f.proto + ":" + f.address + ":" + std::to_string(f.host_port) +
                           " is taken by " + by);
  };
  if (same_host_socket(f, ssh_forward(ssh_port))) return taken("this instance's SSH forward");
  for (const auto& g : earlier) {
    if (same_host_socket(f, g)) return taken("another forward of this instance (" + to_string(g) + ")");
  }
  for (const auto& [id, other] : s.instances.by_id) {
    if (other.ssh_port != 0 && same_host_socket(f, ssh_forward(other.ssh_port))) {
      return taken("instance '" + other.name + "''s SSH forward");
    }
    for (const auto& g : other.forwards) {
      if (!same_host_socket(f, g)) continue;
      return taken(id == self_id ? "another forward of this instance (" + to_string(g) + ")"
                                 : "instance '" + other.name + "' (" + to_string(g) + ")");
    }
  }
  return ok_status();
}

result<std::vector<events::event>> decide(const machines& s, const add_forward& c) {
  auto found = existing(s, c.ref);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.forwards.size() >= max_port_forwards) {
    return error::invalid_argument("instance '" + i.name + "' has " + std::to_string(max_port_forwards) +
                                   " port forwards, the most it takes");
  }
  if (auto v = check_forward(s, i.id, i.ssh_port, c.forward, {}); !v.ok()) return v.error();
  return std::vector{make_event(instance_forward_added{members_of(c.forward)}, i.id, i.version + 1)};
}

result<std::vector<events::event>> decide(const machines& s, const remove_forward& c) {
  auto found = existing(s, c.ref);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  const port_forward* f = find_forward(i, c.forward);
  if (f == nullptr) {
    return error::not_found("instance '" + i.name + "' has no forward from " + c.forward.proto + ":" +
                            c.forward.address + ":" + std::to_string(c.forward.host_port));
  }
  return std::vector{make_event(instance_forward_removed{members_of(*f)}, i.id, i.version + 1)};
}

namespace detail {

std::vector<events::event> forward_events(std::uint64_t id, std::uint64_t first_version,
                                          const std::vector<port_forward>& forwards) {
  std::vector<events::event> out;
  for (const auto& f : forwards) {
    out.push_back(make_event(instance_forward_added{members_of(f)}, id, first_version + out.size()));
  }
  return out;
}

void apply(instance& i, const instance_forward_added& ev, const events::event&) {
  auto f = forward_of(ev);
  if (find_forward(i, f) == nullptr) i.forwards.push_back(f);
}

void apply(instance& i, const instance_forward_removed& ev, const events::event&) {
  std::erase_if(i.forwards, [&](const port_forward& g) {
    return g.proto == ev.proto && g.address == ev.address && g.host_port == ev.host_port;
  });
}

}  // namespace detail
}  // namespace kaso::domain
