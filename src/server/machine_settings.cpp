#include "server/machine_settings.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "platform/host_network.hpp"
#include "platform/process.hpp"
#include "qemu/accelerator.hpp"
#include "util/byte_size.hpp"
#include "vm/kvm_probe.hpp"
#include "vm/vm_platform.hpp"

namespace kaso::server {
namespace {

domain::host_network_defaults network_defaults(const config& cfg) {
  domain::host_network_defaults d;
  d.host_cidr = cfg.default_host_network_cidr;
  d.host_dhcp_start = cfg.default_host_network_dhcp4_start;
  d.host_dhcp_end = cfg.default_host_network_dhcp4_end;
  d.shared_cidr = cfg.default_shared_network_cidr;
  d.shared_dhcp_start = cfg.default_shared_network_dhcp4_start;
  d.shared_dhcp_end = cfg.default_shared_network_dhcp4_end;
  // The bridged network describes the host's default route, as the original's late_init did.
  auto route = platform::probe_default_route();
  if (route.ok()) {
    d.bridged_interface = route->interface;
    d.bridged_ip4 = route->ip4;
    d.bridged_cidr = route->cidr;
    d.bridged_gateway = route->gateway;
    d.bridged_nameserver = route->nameserver;
  } else {
    spdlog::warn("No default route found for the bridged network: {}", route.error().message());
  }
  return d;
}

}  // namespace

qemu_facts find_qemu(const vm::vm_platform& platform) {
  qemu_facts out;
  auto binary = platform::find_program(platform.qemu_binary);
  if (!binary.ok()) return {platform.qemu_binary, binary.error().message()};
  out.binary = *binary;
  auto ran = platform::run_process({*binary, "--version"}, std::chrono::seconds(5));
  if (!ran.ok()) {
    out.version = ran.error().message();
  } else {
    out.version = ran->stdout_text.substr(0, ran->stdout_text.find('\n'));
    if (out.version.empty()) out.version = "unknown (" + *binary + " --version said nothing)";
  }
  return out;
}

result<qemu::accelerator_choice> choose_accelerator(const config& cfg, const vm::vm_platform& platform) {
  qemu::accelerator_host host{platform.os, platform.arch, platform.arch,
                              platform.os == qemu::host_os::linux && qemu::kvm_usable()};
  auto choice = qemu::choose_accelerator(cfg.accelerator, host, [&] { return vm::probe_kvm(platform); });
  if (!choice.ok()) return choice;
  if (choice->accel == qemu::accelerator::tcg && cfg.accelerator == "auto") {
    spdlog::warn("Accelerator tcg, no hardware acceleration (VMs run much slower): {}", choice->reason);
  } else {
    spdlog::info("Accelerator {}: {}", qemu::to_string(choice->accel), choice->reason);
  }
  return choice;
}

result<actors::instance_settings> machine_settings(const config& cfg, vm::vm_platform platform,
                                                   const qemu::accelerator_choice& accel) {
  actors::instance_settings s;
  s.instances_dir = cfg.instances_path();
  s.platform = std::move(platform);
  s.platform.accel = accel.accel;
  s.network_defaults = network_defaults(cfg);
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page_size = ::sysconf(_SC_PAGESIZE);
  s.host.cpus = cpus > 0 ? static_cast<unsigned>(cpus) : 1;
  s.host.ram_mb = pages > 0 && page_size > 0 ? static_cast<std::uint64_t>(pages) * page_size / (1024 * 1024) : 0;
  auto disk = parse_byte_size(cfg.default_os_disk_size);
  if (!disk.ok()) return error::invalid_argument("default_os_disk_size: " + disk.error().message());
  s.default_disk_size = *disk;
  std::error_code ec;
  std::filesystem::create_directories(s.instances_dir, ec);
  if (ec) return error::io_error("cannot create " + s.instances_dir.string() + ": " + ec.message());
  return s;
}

}  // namespace kaso::server
