// The instance manager's state and the helpers its two files share (instance_manager.cpp: the
// behavior, lifecycle and reports; instance_creation.cpp: creating an instance). Private to
// src/actors: include only there (it pulls in CAF). Everything here runs in the manager actor.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "actors/command_pipeline.hpp"
#include "actors/instance_manager.hpp"
#include "actors/messages.hpp"
#include "actors/protocols.hpp"
#include "actors/vm_actor.hpp"

namespace kaso::actors::instances {

using pipeline_t = command_pipeline<domain::machines>;
using outcome = result<std::vector<events::event>>;

// An instance between its first check and its instance.created event.
struct pending_create {
  std::string name, mac, static_ip4;
  std::uint64_t network_id = 0;
  std::uint16_t ssh_port = 0;
};

struct instance_manager_state {
  instance_settings settings;
  instance_manager_peers supervisor;  // reaches the image and identity managers
  std::optional<pipeline_t> pipeline;
  std::map<std::uint64_t, pending_create> creating;
  std::map<std::uint64_t, vm_actor_handle> vms;  // the VM actor of every instance whose qemu we run
  std::map<std::uint64_t, std::string> stages;  // how far each running boot has come (transient)
  std::map<std::uint64_t, bool> scripts;  // vm.sh being written; true: to be written again after
  static inline const char* name = "instance-manager";
};

using manager_actor = instance_manager_impl::stateful_base<instance_manager_state>;
using promise_t = caf::typed_response_promise<json_text>;

inline json_text text(const nlohmann::json& j) { return pipeline_t::text(j); }

// The API's view of `i`, with its boot stage (kept only in memory: it changes too often to be
// an event) while it runs.
inline nlohmann::json instance_view(manager_actor* self, const domain::instance& i) {
  auto j = domain::to_json(i);
  if (i.state != domain::instance_state::running) return j;
  if (i.ready_us != 0) {
    j["boot_stage"] = "ssh";
  } else if (auto s = self->state.stages.find(i.id); s != self->state.stages.end()) {
    j["boot_stage"] = s->second;
  } else {
    j["boot_stage"] = "firmware";
  }
  return j;
}

inline nlohmann::json instance_view(manager_actor* self, std::uint64_t id) {
  const auto* i = self->state.pipeline->durable().instances.find(id);
  return i != nullptr ? instance_view(self, *i) : nlohmann::json();
}

inline nlohmann::json network_view(manager_actor* self, std::uint64_t id) {
  const auto& m = self->state.pipeline->durable();
  const auto* n = m.networks.find(id);
  return n != nullptr ? domain::to_json(*n, m.networks) : nlohmann::json();
}

inline caf::error caf_error(const error& e) { return to_caf(e); }

// `kaso instance create`: checks, provisioning and instance.created (see instance_manager.hpp).
caf::result<json_text> create(manager_actor* self, const instance_request& req, const events::cause& who);

// What qemu is started with (instance_launch.cpp): the command line and files of `i`'s qemu; the
// same after the checks a start makes first (its shared directories); and vm.sh written anew from
// `id`'s durable state on a worker (one write per instance at a time, the last of the latest).
result<vm_launch> launch_of(manager_actor* self, const domain::instance& i);
result<vm_launch> prepared_launch(manager_actor* self, const domain::instance& i);
void rewrite_vm_script(manager_actor* self, std::uint64_t id);

// Port forwards and shared directories changed after create (instance_changes.cpp): a forward
// reaches a running qemu before it is recorded; a mount takes effect at the next start.
caf::result<json_text> change(manager_actor* self, const domain::add_forward& c, const events::cause& who);
caf::result<json_text> change(manager_actor* self, const domain::remove_forward& c, const events::cause& who);
caf::result<json_text> change(manager_actor* self, const domain::add_mount& c, const events::cause& who);
caf::result<json_text> change(manager_actor* self, const domain::remove_mount& c, const events::cause& who);

}  // namespace kaso::actors::instances
