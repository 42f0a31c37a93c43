// pick_accelerator as a table; kvm_usable only against what the filesystem says.
#include "qemu/accelerator.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

namespace kaso::qemu {
namespace {

TEST(pick_accelerator, follows_the_table) {
  struct row {
    host_os os;
    arch host;
    arch guest;
    bool kvm;
    accelerator expected;
  };
  const row rows[] = {
      {host_os::linux, arch::x86_64, arch::x86_64, true, accelerator::kvm},
      {host_os::linux, arch::x86_64, arch::x86_64, false, accelerator::tcg},
      {host_os::linux, arch::aarch64, arch::aarch64, true, accelerator::kvm},
      {host_os::linux, arch::x86_64, arch::aarch64, true, accelerator::tcg},
      {host_os::linux, arch::aarch64, arch::x86_64, true, accelerator::tcg},
      {host_os::macos, arch::aarch64, arch::aarch64, false, accelerator::hvf},
      {host_os::macos, arch::x86_64, arch::x86_64, false, accelerator::hvf},
      {host_os::macos, arch::aarch64, arch::x86_64, false, accelerator::tcg},
  };
  for (const row& r : rows) {
    EXPECT_EQ(pick_accelerator(r.os, r.host, r.guest, r.kvm), r.expected)
        << to_string(r.os) << " " << to_string(r.host) << " -> " << to_string(r.guest)
        << " kvm=" << r.kvm;
  }
}

TEST(kvm_usable, agrees_with_opening_dev_kvm) {
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  bool expected = fd >= 0;
  if (fd >= 0) {
    ::close(fd);
  }
  EXPECT_EQ(kvm_usable(), expected);
}

}  // namespace
}  // namespace kaso::qemu
