// The VM actor: owns one running qemu process, its QMP connection, the watcher that notices its
// exit at once, the instance's guest listener, and the boot watcher that follows the guest's boot
// from the host (console log, SSH banner). One per running instance, spawned by the
// instance manager, detached (spawn_blocking: it blocks in qemu's start and stop), and gone when
// qemu is.
//
// Protocol (vm_actor_handle; one state machine: `waiting` until qemu runs, then `running`, then
// the actor ends; a message that is not valid in the current state is refused with conflict):
//   waiting:
//   (start_atom) -> (int64 pid, uint64 start_time)  starts the guest listener (if any), then qemu,
//                                                   and answers once QMP says "running"; on error
//                                                   nothing is left running and the actor quits
//   (adopt_atom, int64 pid, uint64 start_time) -> bool
//                                                   a qemu an earlier server started: checked to be
//                                                   that process (start time), its QMP and exit
//                                                   watched again; on error the actor quits
//   running:
//   (stop_atom, uint32 graceful_ms, bool force) -> (int exit_code, int signal, string ended_by)
//                                                   ACPI powerdown, then QMP quit, then SIGKILL
//                                                   (see qemu::stop); the actor quits after it
//   (forward_atom, bool add, string rule) -> bool   a port forward added to or removed from the
//                                                   running qemu (HMP hostfwd_add RULE /
//                                                   hostfwd_remove RULE); qemu's complaint is the
//                                                   error
//   (exited_atom, int exit_code, int signal)        from its own exit watcher: qemu ended
// To the manager, unasked:
//   (exited_atom, uint64 id, int exit_code, int signal, string shutdown_reason)
//                                                   qemu ended on its own (exit_code -1 and signal 0:
//                                                   unknown, as for a re-adopted qemu); the reason
//                                                   of its last QMP SHUTDOWN event or ""; the actor
//                                                   quits
//   (phone_home_atom, uint64 id, phone_home_report)       the guest phoned home
//   (ip_atom, uint64 id, string ip)                        the guest reported its address
//   (stage_atom, uint64 id, string stage)                  the boot watcher saw a new stage
//                                                          (guest/boot_watcher.hpp): transient
//   (ready_atom, uint64 id)                                sshd answered, once per boot
// On shutdown (exit message), or when the manager goes down, qemu keeps running: only the watcher
// and listener stop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/protocols.hpp"

namespace kaso::vm {
class vm_host;
}

namespace kaso::actors {

struct vm_launch {
  std::uint64_t instance_id = 0;
  std::vector<std::string> argv;
  std::string qmp_socket;
  std::string log_file;
  std::string guest_socket;  // empty: no guest listener
  std::string seed_dir;      // served by the guest listener; empty: none
  std::string console_log;   // qemu's serial console log; empty: none
  std::uint16_t ssh_port = 0;  // the instance's SSH endpoint on 127.0.0.1; 0: never ready
  std::chrono::milliseconds timeout = timeouts::qemu_start;
};

using vm_actor_handle =
    caf::typed_actor<caf::replies_to<start_atom>::with<std::int64_t, std::uint64_t>,
                     caf::replies_to<adopt_atom, std::int64_t, std::uint64_t>::with<bool>,
                     caf::replies_to<stop_atom, std::uint32_t, bool>::with<int, int, std::string>,
                     caf::replies_to<forward_atom, bool, std::string>::with<bool>,
                     caf::reacts_to<exited_atom, int, int>>;

// `host` runs qemu (vm/vm_host.hpp: the real one, or a test's fake).
vm_actor_handle spawn_vm_actor(caf::actor_system& sys, vm_observer_actor manager, vm_launch launch,
                               std::shared_ptr<vm::vm_host> host);

}  // namespace kaso::actors
