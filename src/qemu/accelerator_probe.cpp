// kvm_usable: the host probe behind choose_accelerator (see accelerator.hpp). On a host without
// /dev/kvm (macOS) it simply answers false.
#include <fcntl.h>
#include <unistd.h>

#include "qemu/accelerator.hpp"

namespace kaso::qemu {

bool kvm_usable() {
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace kaso::qemu
