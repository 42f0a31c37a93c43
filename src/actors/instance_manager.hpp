// The instance manager: decides network and instance commands (one read model, `machines`, so a
// static address, a network's removal and an instance's creation see each other), provisions
// instance directories, and runs each started instance in a VM actor (vm_actor.hpp) of its own.
// Spawned by the supervisor; reached through it.
//
// Protocol (instance_manager_actor in protocols.hpp; replies are the API's JSON text, or a
// caf::error of category "kaso"):
//   (create_network|modify_network|remove_network, cause)  -> network | {removed: network}
//   (instance_request, cause)        -> instance   checks, then files, then instance.created;
//                                                  all or nothing (see below)
//   (modify_instance, cause)         -> instance   vm.sh is written again
//   (add_forward|remove_forward, cause) -> instance  applied to a running qemu first
//   (add_mount|remove_mount, cause)  -> instance   from the instance's next start
//   (remove_instance_request, cause) -> {removed: instance}  --force stops it first
//   (start_atom, ref, cause)         -> instance   once QMP says "running"
//   (stop_request, cause)            -> instance   once qemu has ended
//   (restart_atom, stop_request, cause) -> instance
//   (list_atom, networks_atom|instances_atom), (get_atom, networks_atom|instances_atom, ref)
// From VM actors (vm_observer_actor): exited_atom, phone_home_atom, ip_atom, stage_atom, ready_atom.
// From itself: (restart_atom, uint64 id, uint32 attempt, cause) when a scheduled restart is due.
// From the VM actors it monitors: their down messages (a failed one is replaced: take_over).
//
// Supervision of qemu: an end nobody asked for is decided by the instance's restart policy
// (domain/restart_policy.hpp): instance.crashed (or stopped, for a guest poweroff), then
// restart_scheduled with its backoff, or gave_up. A durable restart_scheduled sets a timer
// (a timer on the clock, clock.hpp); when it comes due, begin_restart, then qemu is launched again and
// instance.restarted recorded. At start (and when the supervisor restarts this actor after a
// failure) every instance is reconciled with reality: running qemus are re-adopted (same pid),
// vanished ones are failures under their policy, due restarts are scheduled again, and
// instances marked autostart that are not running are started.
//
// Creating an instance: the image is reserved with the image manager (it cannot be removed
// meanwhile), the identities are fetched, the command is decided (nothing written yet), the
// directory is provisioned by a blocking worker, the command is decided again and appended. A
// refusal or failure at any step removes the directory, releases the image and records nothing.
// The durable instance.created/modified/removed events are passed to the supervisor
// (durable_atom), which hands them to the image and identity managers for `used_by`.
//
// At first start the predefined networks are created (domain::ensure_predefined_networks).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "actors/clock.hpp"
#include "actors/protocols.hpp"
#include "domain/instance.hpp"
#include "domain/network.hpp"
#include "vm/vm_host.hpp"
#include "vm/vm_platform.hpp"

namespace kaso::events {
class event_store;
}

namespace kaso::actors {

struct instance_settings {
  std::filesystem::path instances_dir;
  vm::vm_platform platform;
  domain::host_network_defaults network_defaults;
  domain::host_limits host;
  std::uint64_t default_disk_size = std::uint64_t{5} << 30;
  unsigned default_vcpu = 1;
  std::uint64_t default_ram_mb = 1024;
  bool predefine_networks = true;  // false in tests that count events
  std::shared_ptr<vm::vm_host> vm_host = vm::real_vm_host();  // runs qemu; a fake in actor tests
  std::shared_ptr<actors::clock> clock = system_clock();       // restart times; a fake in actor tests
};

// REQUIRES: `store` outlives the actor. `supervisor` reaches the image and identity managers.
instance_manager_actor spawn_instance_manager(caf::actor_system& sys, events::event_store& store,
                                              instance_manager_peers supervisor, instance_settings settings,
                                              domain::machines initial);

}  // namespace kaso::actors
