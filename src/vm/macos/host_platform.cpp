// The macOS host: HVF on Apple silicon and Intel alike, qemu and edk2 firmware from Homebrew.
#include <sys/utsname.h>

#include <cstring>

#include "vm/vm_platform.hpp"

namespace kaso::vm {

vm_platform probe_host_platform() {
  vm_platform p;
  p.os = qemu::host_os::macos;
  utsname u{};
  ::uname(&u);
  p.arch = std::strcmp(u.machine, "arm64") == 0 ? qemu::arch::aarch64 : qemu::arch::x86_64;
  if (p.arch == qemu::arch::aarch64) {
    p.qemu_binary = "/opt/homebrew/bin/qemu-system-aarch64";
    p.qemu_img = "/opt/homebrew/bin/qemu-img";
    p.firmware_code = "/opt/homebrew/share/qemu/edk2-aarch64-code.fd";
  }
  return p;
}

}  // namespace kaso::vm
