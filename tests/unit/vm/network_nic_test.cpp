// nic_for: kaso networks (decided by the domain code from the predefined defaults) mapped to qemu
// nics for Linux and macOS, checked as data and as the exact -nic string build_argv makes of them.
// The shared (NAT) network is tested as data only: no qemu is started here.
#include "vm/network_nic.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "qemu/command_line.hpp"

namespace kaso::vm {
namespace {

using domain::network;
using qemu::host_os;

const std::string mac = "52:54:00:12:34:56";

// The three predefined networks, as the server would hold them after its first start.
domain::networks predefined() {
  domain::host_network_defaults d;
  d.bridged_interface = "en0";
  d.bridged_ip4 = "192.168.1.23";
  d.bridged_cidr = "192.168.1.0/24";
  d.bridged_gateway = "192.168.1.1";
  d.bridge = "br0";
  domain::networks state;
  auto evs = decide(state, domain::ensure_predefined_networks{d});
  EXPECT_TRUE(evs.ok());
  for (const auto& e : evs.value()) evolve(state, e);
  return state;
}

network named(std::string_view name) { return *predefined().resolve(name); }
network host_only() { return named(domain::default_host_network); }
network shared() { return named(domain::default_shared_network); }
network bridged() { return named(domain::default_bridged_network); }

// The -nic option build_argv makes of `n` on `os`.
std::string nic_option(host_os os, const qemu::nic& n) {
  qemu::machine_spec s;
  s.os = os;
  s.accel = qemu::accelerator::tcg;
  s.qemu_binary = "qemu-system-x86_64";
  s.name = "t";
  s.nics = {n};
  auto argv = qemu::build_argv(s);
  EXPECT_TRUE(argv.ok()) << argv.error().to_string();
  if (!argv.ok()) return {};
  std::vector<std::string> nics;
  for (std::size_t i = 0; i + 1 < argv->size(); ++i) {
    if ((*argv)[i] == "-nic") nics.push_back((*argv)[i + 1]);
  }
  EXPECT_EQ(nics.size(), 1u);
  return nics.empty() ? std::string() : nics[0];
}

TEST(nic_for, linux_host_only_is_restricted_slirp_with_both_forwards) {
  auto nic = nic_for(host_os::linux, host_only(), {mac, 2222, 41234});
  ASSERT_TRUE(nic.ok()) << nic.error().to_string();
  EXPECT_EQ(nic->kind, qemu::nic_kind::user_restricted);
  EXPECT_EQ(nic->cidr, "172.16.4.0/24");
  EXPECT_EQ(nic->host_addr, "172.16.4.1");
  EXPECT_EQ(nic->dns, "172.16.4.2");
  EXPECT_EQ(nic_option(host_os::linux, *nic),
            "user,model=virtio-net-pci,restrict=on,mac=52:54:00:12:34:56,net=172.16.4.0/24,"
            "dhcpstart=172.16.4.10,dns=172.16.4.2,host=172.16.4.1,"
            "hostfwd=tcp:127.0.0.1:2222-:22,guestfwd=tcp:172.16.4.3:80-cmd:nc 127.0.0.1 41234");
}

TEST(nic_for, linux_forwards_only_when_asked_for) {
  auto nic = nic_for(host_os::linux, host_only(), {});
  ASSERT_TRUE(nic.ok()) << nic.error().to_string();
  EXPECT_TRUE(nic->port_forwards.empty());
  EXPECT_TRUE(nic->guest_forwards.empty());
  EXPECT_EQ(nic_option(host_os::linux, *nic),
            "user,model=virtio-net-pci,restrict=on,net=172.16.4.0/24,dhcpstart=172.16.4.10,"
            "dns=172.16.4.2,host=172.16.4.1");
  auto ssh_only = nic_for(host_os::linux, host_only(), {mac, 2201, 0});
  ASSERT_TRUE(ssh_only.ok());
  EXPECT_EQ(ssh_only->port_forwards.size(), 1u);
  EXPECT_TRUE(ssh_only->guest_forwards.empty());
}

TEST(nic_for, linux_shared_is_slirp_nat_as_data_only) {
  auto nic = nic_for(host_os::linux, shared(), {mac, 2202, 41235});
  ASSERT_TRUE(nic.ok()) << nic.error().to_string();
  EXPECT_EQ(nic->kind, qemu::nic_kind::user_nat);
  EXPECT_EQ(nic_option(host_os::linux, *nic),
            "user,model=virtio-net-pci,mac=52:54:00:12:34:56,net=172.16.5.0/24,"
            "dhcpstart=172.16.5.10,dns=172.16.5.2,host=172.16.5.1,"
            "hostfwd=tcp:127.0.0.1:2202-:22,guestfwd=tcp:172.16.5.3:80-cmd:nc 127.0.0.1 41235");
}

TEST(nic_for, linux_bridged_needs_a_bridge) {
  auto nic = nic_for(host_os::linux, bridged(), {mac, 2222, 41234});
  ASSERT_TRUE(nic.ok()) << nic.error().to_string();
  EXPECT_EQ(nic->kind, qemu::nic_kind::bridge);
  EXPECT_EQ(nic_option(host_os::linux, *nic), "bridge,model=virtio-net-pci,mac=52:54:00:12:34:56,br=br0");
  network no_bridge = bridged();
  no_bridge.bridge.clear();
  auto refused = nic_for(host_os::linux, no_bridge, {mac});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), errc::invalid_argument);
  EXPECT_NE(refused.error().message().find("bridge"), std::string::npos);
}

TEST(nic_for, macos_host_only_and_shared_are_vmnet_ranges_from_the_gateway) {
  auto host = nic_for(host_os::macos, host_only(), {mac, 2222, 41234});
  ASSERT_TRUE(host.ok()) << host.error().to_string();
  EXPECT_TRUE(host->port_forwards.empty() && host->guest_forwards.empty()) << "no forwards on macOS";
  EXPECT_EQ(nic_option(host_os::macos, *host),
            "vmnet-host,model=virtio-net-pci,mac=52:54:00:12:34:56,start-address=172.16.4.1,"
            "end-address=172.16.4.254,subnet-mask=255.255.255.0");
  auto nat = nic_for(host_os::macos, shared(), {mac});
  ASSERT_TRUE(nat.ok()) << nat.error().to_string();
  EXPECT_EQ(nic_option(host_os::macos, *nat),
            "vmnet-shared,model=virtio-net-pci,mac=52:54:00:12:34:56,start-address=172.16.5.1,"
            "end-address=172.16.5.254,subnet-mask=255.255.255.0");
}

TEST(nic_for, macos_bridged_uses_the_host_interface) {
  auto nic = nic_for(host_os::macos, bridged(), {mac});
  ASSERT_TRUE(nic.ok()) << nic.error().to_string();
  EXPECT_EQ(nic->kind, qemu::nic_kind::vmnet_bridged);
  EXPECT_EQ(nic_option(host_os::macos, *nic),
            "vmnet-bridged,model=virtio-net-pci,mac=52:54:00:12:34:56,ifname=en0");
  network no_interface = bridged();
  no_interface.host_interface.clear();
  EXPECT_EQ(nic_for(host_os::macos, no_interface, {mac}).error().code(), errc::invalid_argument);
}

TEST(nic_for, macos_refuses_what_vmnet_cannot_take) {
  network public_range = host_only();
  public_range.cidr = "100.64.0.0/24";
  public_range.dhcp_start = "100.64.0.10";
  public_range.dhcp_end = "100.64.0.254";
  public_range.gateway = "100.64.0.1";
  auto r = nic_for(host_os::macos, public_range, {mac});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("RFC 1918"), std::string::npos);
  network high_gateway = host_only();
  high_gateway.dhcp_end = "172.16.4.200";
  high_gateway.gateway = "172.16.4.254";
  r = nic_for(host_os::macos, high_gateway, {mac});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("gateway"), std::string::npos);
  EXPECT_TRUE(nic_for(host_os::linux, high_gateway, {mac}).ok()) << "slirp takes any host address";
}

TEST(nic_for, linux_guest_service_through_a_unix_socket) {
  nic_request r;
  r.mac = mac;
  r.guest_service_socket = "/var/lib/kaso/instances/web/guest.sock";
  auto nic = nic_for(host_os::linux, host_only(), r);
  ASSERT_TRUE(nic.ok()) << nic.error().to_string();
  EXPECT_EQ(nic_option(host_os::linux, *nic),
            "user,model=virtio-net-pci,restrict=on,mac=52:54:00:12:34:56,net=172.16.4.0/24,"
            "dhcpstart=172.16.4.10,dns=172.16.4.2,host=172.16.4.1,"
            "guestfwd=tcp:172.16.4.3:80-cmd:nc -U /var/lib/kaso/instances/web/guest.sock");
  r.guest_service_host_port = 41234;
  EXPECT_EQ(nic_for(host_os::linux, host_only(), r).error().code(), errc::invalid_argument)
      << "a port and a socket at once";
  r.guest_service_host_port = 0;
  r.guest_service_socket = "/home/a b/guest.sock";
  auto spaced = nic_for(host_os::linux, host_only(), r);
  ASSERT_TRUE(spaced.ok());
  qemu::machine_spec s;
  s.qemu_binary = "qemu-system-x86_64";
  s.nics = {*spaced};
  EXPECT_FALSE(qemu::build_argv(s).ok()) << "build_argv refuses a socket path slirp would split";
}

TEST(nic_for, linux_guest_service_needs_a_free_address) {
  network full = host_only();
  full.cidr = "10.9.0.0/29";
  full.gateway = "10.9.0.1";
  full.nameserver = "10.9.0.2";
  full.dhcp_start = "10.9.0.3";
  full.dhcp_end = "10.9.0.6";
  EXPECT_EQ(nic_for(host_os::linux, full, {mac, 0, 41234}).error().code(), errc::invalid_argument);
  EXPECT_TRUE(nic_for(host_os::linux, full, {mac, 2222, 0}).ok());
}

}  // namespace
}  // namespace kaso::vm
