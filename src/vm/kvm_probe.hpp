// probe_kvm: does a machine really run under KVM here? It starts a diskless machine as kaso
// would start a guest (build_argv: q35, -accel kvm, -cpu host, its firmware), waits until QMP
// says "running", lets the firmware run for `linger`, checks that qemu still runs and still says
// "running" (a KVM internal error pauses the machine), and ends it. Issue #14: on some hosts
// /dev/kvm opens and qemu aborts at once ("failed to set MSR 0x10a", signal 6).
//
// Blocks for at most timeout + linger + a few seconds to end the machine: call it from a thread
// that may block (kaso-server runs it on a thread of its own during start-up). Leaves nothing
// behind: the machine is ended and reaped, its temporary directory removed.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "qemu/accelerator.hpp"
#include "vm/vm_platform.hpp"

namespace kaso::vm {

struct kvm_probe_options {
  std::filesystem::path workdir = std::filesystem::temp_directory_path();  // a private folder is made in it
  std::chrono::milliseconds timeout{10000};  // spawn to "running"
  std::chrono::milliseconds linger{200};     // firmware running under KVM before the verdict
};

// `platform` gives the qemu binary, architecture and firmware; its accel is ignored.
qemu::kvm_probe_result probe_kvm(const vm_platform& platform, const kvm_probe_options& options = {});

}  // namespace kaso::vm
