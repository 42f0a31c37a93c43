// What qemu is started with, for the instance manager: the command line and the files a VM actor
// needs (launch_of), the checks before a start (prepared_launch), and vm.sh (rewrite_vm_script).
#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/instance_manager_state.hpp"
#include "qemu/command_line.hpp"
#include "vm/machine.hpp"
#include "vm/provision.hpp"

namespace kaso::actors::instances {

result<vm_launch> launch_of(manager_actor* self, const domain::instance& i) {
  const auto& m = self->state.pipeline->tentative();
  const auto* n = m.networks.find(i.network_id);
  if (n == nullptr) return error::internal("instance '" + i.name + "' has no network");
  const auto& p = self->state.settings.platform;
  auto spec = vm::machine_spec_for(i, *n, p);
  if (!spec.ok()) return spec.error();
  auto argv = qemu::build_argv(*spec);
  if (!argv.ok()) return argv.error();
  auto f = domain::files_of(i.path);
  vm_launch l;
  l.instance_id = i.id;
  l.argv = std::move(*argv);
  l.qmp_socket = f.qmp_socket;
  l.log_file = f.log;
  const auto& b = domain::traits(i.bootstrapper);
  if (b.cloud_init && !vm::guest_service_url(*n, p).empty()) l.guest_socket = f.guest_socket;
  if (b.seed == domain::seed_kind::served) l.seed_dir = f.seed_dir;
  l.console_log = f.console_log;
  l.ssh_port = i.ssh_port;
  return l;
}

// The command line and the checks a start needs before qemu runs.
result<vm_launch> prepared_launch(manager_actor* self, const domain::instance& i) {
  auto l = launch_of(self, i);
  if (!l.ok()) return l.error();
  if (auto shared = vm::check_shared_directories(i); !shared.ok()) return shared.error();
  return l;
}

// Writes instance `id`'s vm.sh from its durable state, on a worker. One write per instance at a
// time: a change during a write has it written once more afterwards, so the last write is of the
// latest state.
void rewrite_vm_script(manager_actor* self, std::uint64_t id) {
  auto& scripts = self->state.scripts;
  if (auto it = scripts.find(id); it != scripts.end()) {
    it->second = true;
    return;
  }
  const auto& m = self->state.pipeline->durable();
  const auto* i = m.instances.find(id);
  const auto* n = i != nullptr ? m.networks.find(i->network_id) : nullptr;
  if (n == nullptr) return;
  scripts[id] = false;
  run_blocking(self, [i = *i, n = *n, p = self->state.settings.platform] { return vm::write_vm_script(i, n, p); },
               [self, id](status s) {
                 if (!s.ok()) spdlog::warn("{}", s.error().message());
                 bool again = self->state.scripts[id];
                 self->state.scripts.erase(id);
                 if (again) rewrite_vm_script(self, id);
               });
}

}  // namespace kaso::actors::instances
