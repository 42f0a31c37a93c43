// Creating an instance, all or nothing: reserve the image, fetch the identities, decide, provision
// on a blocking worker, decide again and append. See instance_manager.hpp.
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/instance_manager_state.hpp"
#include "crypto/random.hpp"
#include "domain/names.hpp"
#include "platform/free_port.hpp"
#include "vm/provision.hpp"

namespace kaso::actors::instances {
namespace {

std::uint64_t next_instance_id(const instance_manager_state& st) {
  std::uint64_t id = st.pipeline->tentative().instances.next_id;
  if (!st.creating.empty()) id = std::max(id, st.creating.rbegin()->first + 1);
  return id;
}

// A locally administered unicast MAC (52:54:00 is qemu's, with the local bit set), unique here.
std::string new_mac(const instance_manager_state& st) {
  for (;;) {
    auto r = crypto::random_token(3);
    std::string mac = "52:54:00:" + r.substr(0, 2) + ":" + r.substr(2, 2) + ":" + r.substr(4, 2);
    bool taken = false;
    for (const auto& [id, i] : st.pipeline->tentative().instances.by_id) taken = taken || i.mac == mac;
    for (const auto& [id, p] : st.creating) taken = taken || p.mac == mac;
    if (!taken) return mac;
  }
}

result<std::uint16_t> new_ssh_port(const instance_manager_state& st) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto port = platform::free_loopback_port();
    if (!port.ok()) return port.error();
    bool taken = false;
    for (const auto& [id, i] : st.pipeline->tentative().instances.by_id) {
      taken = taken || i.ssh_port == *port;
      for (const auto& f : i.forwards) taken = taken || f.host_port == *port;
    }
    for (const auto& [id, p] : st.creating) taken = taken || p.ssh_port == *port;
    if (!taken) return *port;
  }
  return error::unavailable("no free port on 127.0.0.1 for the SSH forward");
}

// What the pending creations already claim: a name or a static address on the same network.
status check_pending(const instance_manager_state& st, const domain::create_instance& c, std::uint64_t network_id) {
  for (const auto& [id, p] : st.creating) {
    if (id == c.id) continue;
    if (p.name == c.name) return error::already_exists("instance '" + c.name + "' is being created");
    if (!c.static_ip4.empty() && p.static_ip4 == c.static_ip4 && p.network_id == network_id) {
      return error::conflict("static IPv4 " + c.static_ip4 + " is claimed by instance '" + p.name + "' being created");
    }
  }
  return ok_status();
}

result<domain::create_instance> initial_command(manager_actor* self, const instance_request& req) {
  auto& st = self->state;
  const auto& s = st.settings;
  if (auto v = domain::validate_name("instance", req.name); !v.ok()) return v.error();
  const auto* n = st.pipeline->tentative().networks.resolve(req.network);
  if (n == nullptr) return error::not_found("network '" + req.network + "' does not exist");
  domain::create_instance c;
  c.id = next_instance_id(st);
  c.name = req.name;
  c.path = (s.instances_dir / req.name).string();
  c.vcpu = req.vcpu.value_or(s.default_vcpu);
  c.ram_mb = req.ram_mb.value_or(s.default_ram_mb);
  c.disk_size = req.disk_size.value_or(s.default_disk_size);
  c.display = req.display.value_or("headless");
  c.bootstrapper = req.bootstrapper.value_or(domain::bootstrapper::ci_disk);
  c.static_ip4 = req.static_ip4;
  c.no_identity = req.no_identity;
  c.autostart = req.autostart;
  c.restart = req.restart;
  c.user_data_kind = req.user_data_kind;
  c.forwards = req.forwards;
  c.mounts = req.mounts;
  c.user_data_bytes = req.user_data.size();
  c.network_ref = std::to_string(n->id);
  c.mac = new_mac(st);
  c.host = s.host;
  if (s.platform.os == qemu::host_os::linux && n->kind != domain::network_kind::bridged) {
    auto port = new_ssh_port(st);
    if (!port.ok()) return port.error();
    c.ssh_port = *port;
  }
  if (auto v = check_pending(st, c, n->id); !v.ok()) return v.error();
  return c;
}

// The provisioning worker: blocking file work on a detached actor of its own.
caf::behavior provisioner(caf::event_based_actor* self, vm::provision_request r) {
  return {[self, r](start_atom) -> caf::result<bool> {
    auto s = vm::provision(r);
    self->quit();
    if (!s.ok()) return to_caf(s.error());
    return true;
  }};
}

domain::instance as_created(const domain::create_instance& c) {
  domain::instance i;
  i.id = c.id;
  i.name = c.name;
  i.path = c.path;
  i.image_id = c.image.id;
  i.identity_ids = c.identity_ids;
  i.vcpu = c.vcpu;
  i.ram_mb = c.ram_mb;
  i.disk_size = c.disk_size;
  i.display = c.display == "cocoa" ? "gui" : c.display;
  i.bootstrapper = c.bootstrapper;
  i.static_ip4 = c.static_ip4;
  i.mac = c.mac;
  i.ssh_port = c.ssh_port;
  i.user_data_kind = c.user_data_kind;
  i.user_data_bytes = c.user_data_bytes;
  i.forwards = c.forwards;
  i.mounts = c.mounts;
  return i;
}

void provision_and_record(manager_actor* self, domain::create_instance c, std::string user_data, identity_records ids,
                          events::cause who, promise_t promise) {
  auto& st = self->state;
  auto abandon = [self, id = c.id, promise](const caf::error& e) mutable {
    self->state.creating.erase(id);
    self->send(self->state.supervisor, release_atom_v, id);
    promise.deliver(e);
  };
  const auto* n = st.pipeline->tentative().networks.resolve(c.network_ref);
  if (n == nullptr) return abandon(caf_error(error::not_found("the network was removed")));
  vm::provision_request r{as_created(c), *n, c.image, std::move(ids), st.settings.platform, std::move(user_data)};
  r.instance.network_id = n->id;
  auto worker = spawn_blocking(self->home_system(), provisioner, std::move(r));
  self->request(worker, timeouts::provisioning, start_atom_v)
      .then(
          [self, c, who, promise, abandon](bool) mutable {
            self->state.pipeline->submit_then(self, c, who, [self, c, promise, abandon](outcome& out) mutable {
              if (!out.ok()) {
                // Refused after all: the files go (on a worker) before the refusal is answered.
                run_blocking(self, [path = c.path] { return vm::remove_instance_files(path); },
                             [abandon, e = caf_error(out.error())](status) mutable { abandon(e); });
                return;
              }
              self->state.creating.erase(c.id);
              promise.deliver(text(instance_view(self, c.id)));
            });
          },
          abandon);
}

}  // namespace

caf::result<json_text> create(manager_actor* self, const instance_request& req, const events::cause& who) {
  auto& st = self->state;
  auto first = initial_command(self, req);
  if (!first.ok()) return caf_error(first.error());
  auto c = std::move(*first);
  st.creating[c.id] = {c.name, c.mac, c.static_ip4, std::stoull(c.network_ref), c.ssh_port};
  auto promise = self->make_response_promise<json_text>();
  auto abandon = [self, id = c.id, promise](const caf::error& e) mutable {
    self->state.creating.erase(id);
    self->send(self->state.supervisor, release_atom_v, id);
    promise.deliver(e);
  };
  self->request(st.supervisor, request_timeout, reserve_atom_v, req.image, c.id)
      .then(
          [self, c, req, who, promise, abandon](domain::image_facts& image) mutable {
            c.image = image;
            self->request(self->state.supervisor, request_timeout, records_atom_v, identity_refs{req.identities})
                .then(
                    [self, c, user_data = req.user_data, who, promise, abandon](identity_records& ids) mutable {
                      for (const auto& i : ids) c.identity_ids.push_back(i.id);
                      // Everything is checked before the first file is written.
                      auto checked = domain::decide(self->state.pipeline->tentative(), c);
                      if (!checked.ok()) return abandon(caf_error(checked.error()));
                      provision_and_record(self, std::move(c), std::move(user_data), std::move(ids), who, promise);
                    },
                    abandon);
          },
          abandon);
  return promise;
}

}  // namespace kaso::actors::instances
