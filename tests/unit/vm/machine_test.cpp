// An instance's qemu machine and guest configuration: the disks, the host-only nic with its SSH
// forward and guest-service forward, the ci SMBIOS pointer, Ignition's fw_cfg, and the users and
// static address the guest is given. Issue #4.
#include "vm/machine.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "qemu/command_line.hpp"
#include "test_instance.hpp"

namespace kaso::vm {
namespace {

bool has(const std::vector<std::string>& argv, const std::string& part) {
  return std::any_of(argv.begin(), argv.end(), [&](const std::string& a) { return a.find(part) != std::string::npos; });
}

std::vector<std::string> argv_of(const domain::instance& i, const domain::network& n) {
  auto spec = machine_spec_for(i, n, tcg_linux());
  EXPECT_TRUE(spec.ok()) << spec.error().to_string();
  auto argv = qemu::build_argv(*spec);
  EXPECT_TRUE(argv.ok()) << argv.error().to_string();
  return argv.ok() ? *argv : std::vector<std::string>{};
}

TEST(machine, ci_disk_on_the_host_only_network) {
  auto nets = predefined_networks();
  const auto& host = *nets.resolve("default_host_network");
  auto i = test_instance("/var/kaso/instances/vm1", "ci-disk");
  auto argv = argv_of(i, host);
  EXPECT_TRUE(has(argv, "file=/var/kaso/instances/vm1/os.qcow2,format=qcow2"));
  EXPECT_TRUE(has(argv, "file=/var/kaso/instances/vm1/seed.iso,format=raw,readonly=on"));
  EXPECT_TRUE(has(argv, "restrict=on"));
  EXPECT_TRUE(has(argv, "mac=52:54:00:aa:bb:cc"));
  EXPECT_TRUE(has(argv, "hostfwd=tcp:127.0.0.1:40022-:22"));
  auto service = domain::guest_service_address(host).value();
  EXPECT_TRUE(has(argv, "guestfwd=tcp:" + service + ":80-cmd:nc -U /var/kaso/instances/vm1/guest.sock"));
  EXPECT_TRUE(has(argv, "/var/kaso/instances/vm1/qmp.sock"));
  EXPECT_TRUE(has(argv, "/var/kaso/instances/vm1/console.sock"));
  EXPECT_FALSE(has(argv, "smbios"));
}

// Found by the end-to-end test: without the address, slirp forwards to its first DHCP address and
// a guest with a static address is unreachable.
TEST(machine, the_ssh_forward_targets_a_static_address) {
  auto nets = predefined_networks();
  auto i = test_instance("/k/vm1", "ci-disk");
  i.static_ip4 = "172.16.4.5";
  auto argv = argv_of(i, *nets.resolve("default_host_network"));
  EXPECT_TRUE(has(argv, "hostfwd=tcp:127.0.0.1:40022-172.16.4.5:22"));
}

TEST(machine, ci_points_the_guest_at_kaso_and_ignition_uses_fw_cfg) {
  auto nets = predefined_networks();
  const auto& host = *nets.resolve("default_host_network");
  auto service = domain::guest_service_address(host).value();
  auto argv = argv_of(test_instance("/k/vm1", "ci"), host);
  EXPECT_TRUE(has(argv, "type=1,serial=ds=nocloud-net;s=http://" + service + "/"));
  EXPECT_FALSE(has(argv, "seed.iso"));
  argv = argv_of(test_instance("/k/vm1", "ignition"), host);
  EXPECT_TRUE(has(argv, "name=opt/com.coreos/config,file=/k/vm1/config.ign"));
  EXPECT_FALSE(has(argv, "guestfwd")) << "nothing in the guest talks to kaso";
  argv = argv_of(test_instance("/k/vm1", "none"), host);
  EXPECT_FALSE(has(argv, "guestfwd"));
}

TEST(machine, a_path_the_guest_forward_cannot_carry_is_refused) {
  auto nets = predefined_networks();
  auto spec = machine_spec_for(test_instance("/home/me/my vms/vm1", "ci-disk"), *nets.resolve("default_host_network"),
                               tcg_linux());
  ASSERT_TRUE(spec.ok());
  EXPECT_FALSE(qemu::build_argv(*spec).ok()) << "a space would split the guestfwd command";
}

TEST(machine, guest_config_has_every_identity_the_static_address_and_phone_home) {
  auto nets = predefined_networks();
  const auto& host = *nets.resolve("default_host_network");
  auto i = test_instance("/k/vm1", "ci-disk");
  i.static_ip4 = "172.16.4.5";
  domain::identity alice;
  alice.name = "alice";
  alice.public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx alice@host";
  alice.gecos = "Alice\n#cloud-config";
  domain::identity bob;
  bob.name = "bob";
  bob.password_hash = "$6$salt$hash";
  auto url = guest_service_url(host, tcg_linux());
  auto c = guest_config_for(i, host, {alice, bob}, url);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->hostname, "vm1");
  EXPECT_EQ(c->instance_id, "kaso-7");
  ASSERT_EQ(c->users.size(), 2u);
  EXPECT_EQ(c->users[0].ssh_authorized_keys, std::vector<std::string>{alice.public_key});
  EXPECT_EQ(c->users[0].gecos, alice.gecos);
  EXPECT_EQ(c->users[1].password_hash, "$6$salt$hash");
  EXPECT_EQ(c->users[1].shell, "/bin/bash") << "issue #16: bash unless the identity names a shell";
  bob.shell = "/bin/zsh";
  EXPECT_EQ(guest_config_for(i, host, {bob}, url)->users[0].shell, "/bin/zsh");
  ASSERT_TRUE(c->static_ip);
  EXPECT_EQ(c->static_ip->address, "172.16.4.5");
  EXPECT_EQ(c->static_ip->prefix, 24u);
  EXPECT_EQ(c->static_ip->gateway, host.gateway);
  EXPECT_EQ(c->phone_home_url, url + "/phone-home");
  EXPECT_EQ(c->datasource_list, (std::vector<std::string>{"NoCloud", "None"}));
  vm_platform mac = tcg_linux();
  mac.os = qemu::host_os::macos;
  EXPECT_EQ(guest_service_url(host, mac), "") << "no guest forward on vmnet";
}

}  // namespace
}  // namespace kaso::vm
