// Which accelerator a VM gets: a pure decision (pick_accelerator) and, kept apart, the one host
// probe it needs (kvm_usable).
//
// pick_accelerator is a pure function any thread may call. kvm_usable touches the host (it opens
// /dev/kvm) and belongs to the platform layer's probing; any thread may call it, it does not block.
#pragma once

#include "qemu/machine_spec.hpp"

namespace kaso::qemu {

// A guest of a foreign architecture is always emulated (tcg). Otherwise Linux uses kvm when
// /dev/kvm is usable, else tcg; macOS uses hvf (Hypervisor.framework is always there on the
// versions qemu supports).
accelerator pick_accelerator(host_os os, arch host, arch guest, bool kvm_usable);

// True when /dev/kvm opens read-write for this process (exists, permitted, module loaded).
bool kvm_usable();

}  // namespace kaso::qemu
