// The log the actor lifecycle tests start from, and how they read it back (issue #18): the
// predefined networks, then one instance `vm1` (no bootstrapper: no guest listener) under a given
// restart policy; its story is the types of its events after instance.created.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "domain/instance.hpp"
#include "domain/network.hpp"
#include "events/event_store.hpp"

namespace kaso::testing {

// The events of a log in which vm1 (instance 1, its directory under `dir`/instances) was created.
inline std::vector<events::event> vm1_created(const std::filesystem::path& dir, std::uint16_t ssh_port,
                                              const domain::restart_policy& policy) {
  domain::machines m;
  auto out = domain::decide(m, domain::ensure_predefined_networks{}).value();
  for (const auto& e : out) domain::evolve(m, e);
  domain::create_instance c;
  c.id = 1;
  c.name = "vm1";
  c.path = (dir / "instances" / "vm1").string();
  c.vcpu = 1;
  c.ram_mb = 64;
  c.disk_size = 128 << 20;
  c.network_ref = "default_host_network";
  c.bootstrapper = domain::bootstrapper::none;
  c.mac = "52:54:00:00:00:11";
  c.ssh_port = ssh_port;
  c.image = {1, "blank", "/var/kaso/images/1.qcow2", "qcow2", 64 << 20, {1, 64, 64}};
  c.host = {2, 4096};
  c.restart = policy;
  auto created = domain::decide(m, c).value();
  out.insert(out.end(), created.begin(), created.end());
  return out;
}

// The types of the instance events after instance.created, in order.
inline std::vector<std::string> story_of(const events::event_store& store) {
  std::vector<std::string> out;
  store.read(1, [&](const events::event& e) {
    if (e.kind == "instance" && e.type != "instance.created") out.push_back(e.type);
    return true;
  });
  return out;
}

// The last event of type `type` (a default event when there is none).
inline events::event last_of(const events::event_store& store, const std::string& type) {
  events::event found;
  store.read(1, [&](const events::event& e) {
    if (e.type == type) found = e;
    return true;
  });
  return found;
}

}  // namespace kaso::testing
