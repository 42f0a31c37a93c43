// Port forwards and shared directories of instances, changed after create: see
// instance_manager.hpp (add_forward, remove_forward, add_mount, remove_mount).
#include <spdlog/spdlog.h>

#include "actors/instance_manager_state.hpp"

namespace kaso::actors::instances {
namespace {

// The hostfwd rule of `f` for instance `i`: "tcp:127.0.0.1:8080-172.16.4.5:80" to add (the
// guest side as the SSH forward's: the static address, else slirp's first DHCP address), and
// "tcp:127.0.0.1:8080" to remove.
std::string hostfwd_rule(const domain::instance& i, const domain::port_forward& f, bool add) {
  auto host = f.proto + ":" + f.address + ":" + std::to_string(f.host_port);
  return add ? host + "-" + i.static_ip4 + ":" + std::to_string(f.guest_port) : host;
}

// A forward added or removed: checked first; on a running qemu applied to it, then recorded (a
// qemu that refuses, e.g. the host port is taken by another program, records nothing). On an
// instance that is not running it is recorded, and qemu gets it at the next start.
template <class Command>
caf::result<json_text> change_forward(manager_actor* self, Command c, const events::cause& who, bool add) {
  auto& pipeline = *self->state.pipeline;
  const auto* i = pipeline.tentative().instances.resolve(c.ref);
  if (i == nullptr) return caf_error(error::not_found("instance '" + c.ref + "' does not exist"));
  auto checked = domain::decide(pipeline.tentative(), c);
  if (!checked.ok()) return caf_error(checked.error());
  auto id = i->id;
  auto reply = [self, id](const std::vector<events::event>&) { return instance_view(self, id); };
  auto vm = self->state.vms.find(id);
  if (i->state != domain::instance_state::running || vm == self->state.vms.end()) return pipeline.submit(self, c, who, reply);
  // What is removed is matched by its host side: the recorded forward says which.
  auto rule = hostfwd_rule(*i, c.forward, add);
  auto undo = add ? hostfwd_rule(*i, c.forward, false) : std::string();
  auto promise = self->make_response_promise<json_text>();
  auto qemu = vm->second;
  self->request(qemu, request_timeout, forward_atom_v, add, rule)
      .then(
          [self, c, who, id, promise, qemu, undo](bool) mutable {
            self->state.pipeline->submit_then(self, c, who, [self, id, promise, qemu, undo](outcome& out) mutable {
              if (out.ok()) {
                promise.deliver(text(instance_view(self, id)));
                return;
              }
              // Refused meanwhile (another request took the port first): qemu lets go of it again.
              if (!undo.empty()) {
                self->request(qemu, request_timeout, forward_atom_v, false, undo)
                    .then([](bool) {}, [](const caf::error& e) { spdlog::warn("forward not undone: {}", caf::to_string(e)); });
              }
              promise.deliver(caf_error(out.error()));
            });
          },
          [promise](const caf::error& e) mutable { promise.deliver(e); });
  return promise;
}

// A shared directory added or removed: recorded in any state; a running qemu gets it at its next
// start (9p shares cannot be added to or taken from a running qemu).
template <class Command>
caf::result<json_text> change_mounts(manager_actor* self, Command c, const events::cause& who) {
  auto& pipeline = *self->state.pipeline;
  const auto* i = pipeline.tentative().instances.resolve(c.ref);
  if (i == nullptr) return caf_error(error::not_found("instance '" + c.ref + "' does not exist"));
  auto id = i->id;
  return pipeline.submit(self, c, who, [self, id](const std::vector<events::event>&) { return instance_view(self, id); });
}

}  // namespace

caf::result<json_text> change(manager_actor* self, const domain::add_forward& c, const events::cause& who) {
  return change_forward(self, c, who, true);
}
caf::result<json_text> change(manager_actor* self, const domain::remove_forward& c, const events::cause& who) {
  return change_forward(self, c, who, false);
}
caf::result<json_text> change(manager_actor* self, const domain::add_mount& c, const events::cause& who) {
  return change_mounts(self, c, who);
}
caf::result<json_text> change(manager_actor* self, const domain::remove_mount& c, const events::cause& who) {
  return change_mounts(self, c, who);
}

}  // namespace kaso::actors::instances
