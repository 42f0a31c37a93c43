// A stand-in for qemu-system-x86_64 on a host whose KVM aborts every qemu (issue #14): given
// `-accel kvm` it writes what qemu wrote on such a host and aborts (signal 6); given anything
// else it becomes the real qemu named by KASO_FAKE_QEMU_REAL, with the same arguments. Tests put
// it first in kaso-server's PATH under the name qemu-system-x86_64.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "-accel") == 0 && std::strncmp(argv[i + 1], "kvm", 3) == 0) {
      std::fputs("qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69\n"
                 "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion "
                 "`ret == cpu->kvm_msr_buf->nmsrs' failed.\n",
                 stderr);
      std::abort();
    }
  }
  const char* real = std::getenv("KASO_FAKE_QEMU_REAL");
  if (real == nullptr || *real != '/') {
    std::fputs("fake qemu: KASO_FAKE_QEMU_REAL must name the real qemu by its absolute path\n", stderr);
    return 2;
  }
  argv[0] = const_cast<char*>(real);
  execv(real, argv);
  std::perror(real);
  return 127;
}
