// choose_accelerator and kvm_start_failure_hint: see accelerator.hpp. kvm_usable lives in
// accelerator_probe.cpp.
#include "qemu/accelerator.hpp"

#include <algorithm>
#include <cctype>

namespace kaso::qemu {
namespace {

accelerator_choice chosen(accelerator a, std::string reason, bool probed = false) {
  return {a, std::move(reason), probed};
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

result<accelerator_choice> choose_accelerator(std::string_view configured, const accelerator_host& host,
                                              const std::function<kvm_probe_result()>& probe) {
  if (configured == "tcg") return chosen(accelerator::tcg, "configured: accelerator tcg");
  if (configured == "kvm") {
    if (host.os != host_os::linux || !host.kvm_device_opens) {
      return error::invalid_argument("accelerator \"kvm\" is configured, but /dev/kvm is not usable here");
    }
    return chosen(accelerator::kvm, "configured: accelerator kvm (not probed)");
  }
  if (configured == "hvf") {
    if (host.os != host_os::macos) return error::invalid_argument("accelerator \"hvf\" needs macOS");
    return chosen(accelerator::hvf, "configured: accelerator hvf");
  }
  if (configured != "auto") {
    return error::invalid_argument("accelerator must be auto, kvm, hvf or tcg, not '" + std::string(configured) + "'");
  }
  if (host.host_arch != host.guest_arch) {
    return chosen(accelerator::tcg, "the guest's architecture is not the host's: emulated");
  }
  if (host.os == host_os::macos) return chosen(accelerator::hvf, "macOS: Hypervisor.framework");
  if (!host.kvm_device_opens) return chosen(accelerator::tcg, "/dev/kvm cannot be opened: no hardware acceleration");
  auto seen = probe();
  const auto ms = std::to_string(seen.took.count());
  if (seen.ran) return chosen(accelerator::kvm, "a probe machine ran under KVM (" + ms + " ms)", true);
  return chosen(accelerator::tcg,
                "/dev/kvm opens, but a probe machine could not run under KVM (" + ms + " ms): " + seen.failure +
                    "; set \"accelerator\": \"kvm\" in the configuration to insist",
                true);
}

std::string kvm_start_failure_hint(accelerator accel, std::string_view failure) {
  if (accel != accelerator::kvm) return {};
  const auto text = lower(failure);
  if (text.find("kvm") == std::string::npos) return {};
  return "qemu could not run under KVM on this host: set \"accelerator\": \"tcg\" in the server's configuration "
         "(~/.kaso) and restart kaso-server";
}

}  // namespace kaso::qemu
