// vm_platform: what the host offers every VM, found once at server start (accelerator, qemu
// binaries, firmware). Plain data; any thread. Passed in, never a global, so tests and golden
// command lines use any platform they like.
#pragma once

#include <string>

#include "qemu/machine_spec.hpp"

namespace kaso::vm {

struct vm_platform {
  qemu::host_os os = qemu::host_os::linux;
  qemu::arch arch = qemu::arch::x86_64;
  qemu::accelerator accel = qemu::accelerator::tcg;
  std::string qemu_binary = "qemu-system-x86_64";
  std::string qemu_img = "qemu-img";
  std::string firmware_code;  // edk2 code; required on aarch64
  std::string firmware_vars;
};

// The host's platform: its OS and architecture; qemu and qemu-img from PATH; edk2 firmware where
// the distribution puts it. `accel` is left tcg: the server sets it from choose_accelerator
// (qemu/accelerator.hpp), which may run a probe machine.
vm_platform probe_host_platform();

}  // namespace kaso::vm
