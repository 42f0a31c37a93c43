// How an instance becomes a qemu machine and a guest configuration: pure functions of the
// instance, its network, its identities and the platform. Any thread. The instance manager calls
// them when it provisions (vm.sh, seed) and when it starts qemu, so both see the same argv.
#pragma once

#include <string_view>
#include <vector>

#include "bootstrap/guest_config.hpp"
#include "domain/identity.hpp"
#include "domain/instance.hpp"
#include "domain/network.hpp"
#include "qemu/machine_spec.hpp"
#include "util/error.hpp"
#include "vm/vm_platform.hpp"

namespace kaso::vm {

// A guest user's login shell when the identity names none.
inline constexpr std::string_view default_login_shell = "/bin/bash";

// The port kaso's guest-facing service answers on, at guest_service_address(network).
inline constexpr std::uint16_t guest_service_port = 80;

// Disks: the overlay, then the seed (ci-disk). NIC: the platform's mapping of the network, with
// the SSH forward and, for ci / ci-disk on user networks, the guest service forward to the
// instance's guest socket. QMP and the serial console on Unix sockets in the instance directory.
result<qemu::machine_spec> machine_spec_for(const domain::instance& i, const domain::network& n,
                                            const vm_platform& p);

// The guest's first-boot configuration: one user per identity, the hostname, a static address
// when set, phone home and the address report when the guest can reach kaso (user networks).
// `service_url` is guest_service_url(n, platform).
result<bootstrap::guest_config> guest_config_for(const domain::instance& i, const domain::network& n,
                                                 const std::vector<domain::identity>& identities,
                                                 const std::string& service_url);

// The URL the guest reaches kaso's guest service at ("http://172.16.4.2"), or empty when it
// cannot (bridged networks, macOS vmnet).
std::string guest_service_url(const domain::network& n, const vm_platform& p);

}  // namespace kaso::vm
