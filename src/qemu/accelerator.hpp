// Which accelerator the VMs of this server get: a pure decision (choose_accelerator) over what the
// configuration asks and what the host offers, and kept apart, the host probes it needs:
// kvm_usable (does /dev/kvm open) here, and the real probe machine in vm/kvm_probe.hpp.
//
// /dev/kvm opening proves little: under some nested virtualisation every qemu -accel kvm aborts
// at once ("failed to set MSR 0x10a"), so under `auto` only a machine that really ran decides
// for KVM (issue #14). A guest kernel that hangs under KVM after its firmware ran is not caught
// by any probe: the configuration's `accelerator: tcg` is the way out, and the README says so.
//
// choose_accelerator and kvm_start_failure_hint are pure; any thread. kvm_usable opens and
// closes /dev/kvm; any thread, it does not block.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "qemu/machine_spec.hpp"
#include "util/error.hpp"

namespace kaso::qemu {

// What a probe saw of a diskless machine started under KVM.
struct kvm_probe_result {
  bool ran = false;     // QMP said "running", and it still ran a little later
  std::string failure;  // when it did not: what qemu did, one line
  std::chrono::milliseconds took{0};
};

// What the host offers, as the platform layer found it.
struct accelerator_host {
  host_os os = host_os::linux;
  arch host_arch = arch::x86_64;
  arch guest_arch = arch::x86_64;
  bool kvm_device_opens = false;  // kvm_usable()
};

// The accelerator, and why: one line for the log, `kaso server info` and the event log.
struct accelerator_choice {
  accelerator accel = accelerator::tcg;
  std::string reason;
  bool probed = false;  // a probe machine was run to decide
  friend bool operator==(const accelerator_choice&, const accelerator_choice&) = default;
};

//   configured  host                                           choice
//   tcg         any                                            tcg
//   kvm         Linux, /dev/kvm opens                          kvm (not probed: the user insists)
//   kvm         otherwise                                      error
//   hvf         macOS                                          hvf; otherwise error
//   auto        guest of another architecture                  tcg
//   auto        macOS                                          hvf
//   auto        Linux, /dev/kvm does not open                  tcg
//   auto        Linux, /dev/kvm opens                          probe(): kvm if it ran, else tcg
// `probe` is called at most once, and only in the last row. Errors: invalid_argument (an unknown
// key, or a configured accelerator this host cannot have).
result<accelerator_choice> choose_accelerator(std::string_view configured, const accelerator_host& host,
                                              const std::function<kvm_probe_result()>& probe);

// For a start that failed (`failure`, the launch's message) under `accel`: a sentence saying
// what to do when it looks like KVM's doing, else empty.
std::string kvm_start_failure_hint(accelerator accel, std::string_view failure);

// True when /dev/kvm opens read-write for this process (exists, permitted, module loaded).
bool kvm_usable();

}  // namespace kaso::qemu
