// The Linux host: KVM where /dev/kvm opens, else TCG (logged by the server); qemu from PATH.
#include <sys/utsname.h>

#include <cstring>
#include <filesystem>

#include "qemu/accelerator.hpp"
#include "vm/vm_platform.hpp"

namespace kaso::vm {

vm_platform probe_host_platform() {
  vm_platform p;
  p.os = qemu::host_os::linux;
  utsname u{};
  ::uname(&u);
  p.arch = std::strcmp(u.machine, "aarch64") == 0 ? qemu::arch::aarch64 : qemu::arch::x86_64;
  p.accel = qemu::pick_accelerator(p.os, p.arch, p.arch, qemu::kvm_usable());
  if (p.arch == qemu::arch::aarch64) {
    p.qemu_binary = "qemu-system-aarch64";
    for (const char* code : {"/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"}) {
      if (std::filesystem::exists(code)) {
        p.firmware_code = code;
        break;
      }
    }
  }
  return p;
}

}  // namespace kaso::vm
