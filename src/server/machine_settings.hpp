// What the instance manager needs to know of this host, from the configuration and from probing
// (accelerator, default route, CPUs and memory). Called by main before the actors start.
#pragma once

#include "actors/instance_manager.hpp"
#include "config/config.hpp"
#include "qemu/accelerator.hpp"
#include "util/error.hpp"
#include "vm/vm_platform.hpp"

namespace kaso::server {

// The configured accelerator, or under "auto" the one this host really runs (a probe machine
// under KVM where /dev/kvm opens: ~0.1-0.5 s). Logs the choice and its reason once. Blocks while
// the probe runs: main calls it on a thread of its own, beside opening and folding the log.
result<qemu::accelerator_choice> choose_accelerator(const config& cfg, const vm::vm_platform& platform);

// Which qemu runs the VMs (issue #16: `kaso server info` shows it): the binary as found in PATH and
// the first line of its --version ("QEMU emulator version 7.2.19 (Debian ...)"), or why not.
struct qemu_facts {
  std::string binary;
  std::string version;
};
qemu_facts find_qemu(const vm::vm_platform& platform);

result<actors::instance_settings> machine_settings(const config& cfg, vm::vm_platform platform,
                                                   const qemu::accelerator_choice& accel);

}  // namespace kaso::server
