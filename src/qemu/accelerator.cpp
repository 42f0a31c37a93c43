// pick_accelerator: see accelerator.hpp. The probe lives in accelerator_probe.cpp.
#include "qemu/accelerator.hpp"

namespace kaso::qemu {

accelerator pick_accelerator(host_os os, arch host, arch guest, bool kvm_usable) {
  if (host != guest) {
    return accelerator::tcg;
  }
  switch (os) {
    case host_os::linux: return kvm_usable ? accelerator::kvm : accelerator::tcg;
    case host_os::macos: return accelerator::hvf;
  }
  return accelerator::tcg;
}

}  // namespace kaso::qemu
