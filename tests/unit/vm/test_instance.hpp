// Test data for tests/unit/vm: the predefined networks as the domain decides them, and an instance
// on the host-only one. Test helper.
#pragma once

#include <string>

#include "domain/instance.hpp"
#include "vm/vm_platform.hpp"

namespace kaso::vm {

inline domain::networks predefined_networks() {
  domain::networks state;
  auto evs = decide(state, domain::ensure_predefined_networks{});
  std::uint64_t seq = 0;
  for (auto& e : evs.value()) {
    e.seq = ++seq;
    evolve(state, e);
  }
  return state;
}

inline domain::instance test_instance(const std::string& dir, const std::string& bootstrapper) {
  domain::instance i;
  i.id = 7;
  i.name = "vm1";
  i.path = dir;
  i.vcpu = 1;
  i.ram_mb = 64;
  i.disk_size = 128 << 20;
  i.bootstrapper = domain::parse_bootstrapper(bootstrapper).value();
  i.mac = "52:54:00:aa:bb:cc";
  i.ssh_port = 40022;
  return i;
}

inline vm_platform tcg_linux() {
  vm_platform p;
  p.os = qemu::host_os::linux;
  p.arch = qemu::arch::x86_64;
  p.accel = qemu::accelerator::tcg;
  return p;
}

}  // namespace kaso::vm
