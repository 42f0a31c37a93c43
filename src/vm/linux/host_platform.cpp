// The Linux host: its architecture, qemu from PATH, edk2 firmware on aarch64. The accelerator is
// chosen by the server (qemu::choose_accelerator, with vm::probe_kvm).
#include <sys/utsname.h>

#include <cstring>
#include <filesystem>

#include "vm/vm_platform.hpp"

namespace kaso::vm {

vm_platform probe_host_platform() {
  vm_platform p;
  p.os = qemu::host_os::linux;
  utsname u{};
  ::uname(&u);
  p.arch = std::strcmp(u.machine, "aarch64") == 0 ? qemu::arch::aarch64 : qemu::arch::x86_64;
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
