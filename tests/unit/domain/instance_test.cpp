// Instance deciders and folds, given/when/then: every check before anything is written (image
// minimums, disk size, static address rules, unique name/MAC/port), the lifecycle state machine
// (instance.hpp's table), clean poweroff vs crash, and network use. Issue #4.
#include "domain/instance.hpp"

#include <gtest/gtest.h>

#include "instance_scenario.hpp"

namespace kaso::domain {
namespace {

TEST(instance, created_with_everything_it_needs_recorded) {
  auto s = with_default_networks();
  auto evs = s.when_ok(vm(s, "vm1"));
  ASSERT_EQ(types(evs), std::vector<std::string>{"instance.created"});
  const auto& p = evs[0].payload;
  EXPECT_EQ(p["name"], "vm1");
  EXPECT_EQ(p["image_id"], 1u);
  EXPECT_EQ(p["network_id"], s.state.networks.resolve("default_host_network")->id);
  const auto* i = s.state.instances.resolve("vm1");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->state, instance_state::created);
  EXPECT_EQ(i->disk_size, std::uint64_t{10} << 30);
  EXPECT_EQ(i->mac, "52:54:00:00:00:11");
  EXPECT_EQ(s.state.instances.resolve("1"), i) << "ids address it too";
  EXPECT_TRUE(s.state.networks.resolve("default_host_network")->used_by.contains(i->id));
  auto json = to_json(*i);
  EXPECT_EQ(json["os_disk_path"], "/var/kaso/instances/vm1/os.qcow2");
  EXPECT_EQ(json["seed_path"], "/var/kaso/instances/vm1/seed.iso");
}

TEST(instance, refused_before_anything_is_written) {
  auto s = with_default_networks();
  s.when_ok(vm(s, "vm1"));
  auto c = vm(s, "vm1");
  EXPECT_EQ(s.when_refused(c).code(), errc::already_exists);
  // Strings, not pointers: a temporary's c_str() here would dangle before the loop body runs.
  for (const std::string& bad : std::vector<std::string>{"../x", "a/b", "", "-x", std::string(64, 'a'), "a\nb"}) {
    c = vm(s, bad);
    EXPECT_EQ(s.when_refused(c).code(), errc::invalid_argument) << bad;
  }
  c = vm(s, "small");
  c.disk_size = std::uint64_t{1} << 30;
  EXPECT_NE(s.when_refused(c).message().find("smaller than image"), std::string::npos);
  c = vm(s, "tiny-ram");
  c.ram_mb = 256;
  EXPECT_NE(s.when_refused(c).message().find("512 MB"), std::string::npos);
  c = vm(s, "greedy");
  c.vcpu = 64;
  EXPECT_NE(s.when_refused(c).message().find("exceeds the host"), std::string::npos);
  c = vm(s, "hog");
  c.ram_mb = 1 << 20;
  EXPECT_EQ(s.when_refused(c).code(), errc::invalid_argument);
  c = vm(s, "absurd");
  c.disk_size = std::uint64_t{1} << 60;
  EXPECT_EQ(s.when_refused(c).code(), errc::invalid_argument);
  c = vm(s, "nowhere");
  c.network_ref = "nope";
  EXPECT_EQ(s.when_refused(c).code(), errc::not_found);
  EXPECT_EQ(parse_bootstrapper("cloudbase").error().code(), errc::invalid_argument);
  EXPECT_EQ(parse_bootstrapper("ci-disk").value(), bootstrapper::ci_disk);
  c = vm(s, "blind");
  c.display = "sdl";
  EXPECT_EQ(s.when_refused(c).code(), errc::invalid_argument);
  c = vm(s, "twin");
  c.mac = s.state.instances.resolve("vm1")->mac;
  EXPECT_EQ(s.when_refused(c).code(), errc::conflict);
  c = vm(s, "port-thief");
  c.ssh_port = s.state.instances.resolve("vm1")->ssh_port;
  EXPECT_EQ(s.when_refused(c).code(), errc::conflict);
  EXPECT_EQ(s.state.instances.by_id.size(), 1u) << "nothing was created by a refused command";
}

TEST(instance, static_address_rules) {
  auto s = with_default_networks();
  auto c = vm(s, "fixed");
  c.static_ip4 = "172.16.4.5";
  s.when_ok(c);
  struct bad_ip {
    const char* ip;
    const char* why;
  };
  for (auto [ip, why] : {bad_ip{"172.16.5.5", "outside network"}, bad_ip{"172.16.4.20", "inside the DHCP range"},
                         bad_ip{"172.16.4.0", "network or broadcast"}, bad_ip{"172.16.4.255", "network or broadcast"},
                         bad_ip{"172.16.4.1", "gateway or nameserver"}, bad_ip{"172.16.4.5", "already used"},
                         bad_ip{"172.16.004.6", ""}, bad_ip{"172.16.4", ""}, bad_ip{"172.16.4.6/24", ""}}) {
    auto d = vm(s, "other");
    d.static_ip4 = ip;
    auto e = s.when_refused(d);
    EXPECT_NE(e.message().find(why), std::string::npos) << ip << ": " << e.message();
  }
  auto service = guest_service_address(*s.state.networks.resolve("default_host_network"));
  ASSERT_TRUE(service.ok());
  auto d = vm(s, "other");
  d.static_ip4 = *service;
  EXPECT_NE(s.when_refused(d).message().find("service address"), std::string::npos);
  d.static_ip4 = "172.16.4.6";
  s.when_ok(d);
}

TEST(instance, ci_needs_a_network_where_kaso_serves_the_seed) {
  auto s = with_default_networks();
  auto c = vm(s, "netboot");
  c.bootstrapper = bootstrapper::ci;
  c.network_ref = "default_bridged_network";
  EXPECT_EQ(s.when_refused(c).code(), errc::invalid_argument);
  c.network_ref = "default_host_network";
  s.when_ok(c);
}

// Issue #16: a guest kaso configures with cloud-init but nobody can log in to is refused, unless
// asked for (no_identity), or the user's own cloud-init says how, or kaso does not configure it.
TEST(instance, issue_16_a_guest_nobody_could_log_in_to_is_refused_unless_asked_for) {
  auto s = with_default_networks();
  auto c = vm(s, "nobody");
  c.identity_ids.clear();
  auto refused = s.when_refused(c);
  EXPECT_EQ(refused.code(), errc::invalid_argument);
  EXPECT_EQ(refused.message(),
            "nobody could log in to instance 'nobody': give an identity (--identity-id NAME), or --no-identity to create it so");
  c.bootstrapper = bootstrapper::none;
  EXPECT_TRUE(decide(s.state, c).ok()) << "kaso does not configure the guest";
  c.bootstrapper = bootstrapper::ci_disk;
  c.user_data_kind = "cloud-config";
  EXPECT_TRUE(decide(s.state, c).ok()) << "the user's own cloud-init may make users";
  c.user_data_kind.clear();
  c.no_identity = true;
  s.when_ok(c);
}

// Issue #16: a change made while qemu runs is pending until the next start, and said so.
TEST(instance, issue_16_changes_made_while_running_are_pending_until_the_next_start) {
  auto s = with_default_networks();
  auto c = vm(s, "vm1");
  s.when_ok(c);
  std::uint64_t id = s.state.instances.resolve("vm1")->id;
  auto pending = [&] { return pending_changes(*s.state.instances.find(id)); };
  modify_instance m{"vm1", {}, c.host};
  m.changes.ram_mb = c.ram_mb + 64;
  s.when_ok(m);
  EXPECT_TRUE(pending().empty()) << "not running: it applies at the start anyway";
  s.when_ok(start_instance{"vm1"});
  s.when_ok(mark_started{id, 4242, 77});
  EXPECT_TRUE(pending().empty()) << "started with it";
  m.changes.ram_mb = c.ram_mb + 128;
  m.changes.vcpu = c.vcpu + 1;
  s.when_ok(m);
  EXPECT_EQ(pending(), (nlohmann::json{{"ram", c.ram_mb + 128}, {"vcpu", c.vcpu + 1}}));
  EXPECT_EQ(to_json(*s.state.instances.find(id))["pending"], pending());
  s.when_ok(stop_instance{"vm1", false, 60});
  s.when_ok(mark_exited{id, 0, 0, "powerdown", true});
  EXPECT_TRUE(pending().empty()) << "stopped: nothing runs with the old settings";
}

TEST(instance, lifecycle_follows_the_table) {
  auto s = with_default_networks();
  s.when_ok(vm(s, "vm1"));
  std::uint64_t id = s.state.instances.resolve("vm1")->id;
  auto state = [&] { return s.state.instances.find(id)->state; };
  EXPECT_TRUE(s.when_ok(stop_instance{"vm1"}).empty()) << "stopping a created instance changes nothing";
  s.when_ok(start_instance{"vm1"});
  EXPECT_EQ(state(), instance_state::starting);
  EXPECT_EQ(s.when_refused(start_instance{"vm1"}).code(), errc::conflict);
  EXPECT_EQ(s.when_refused(remove_instance{"vm1"}).code(), errc::conflict);
  s.when_ok(mark_started{id, 4242, 77});
  EXPECT_EQ(state(), instance_state::running);
  EXPECT_EQ(s.state.instances.find(id)->pid, 4242);
  s.when_ok(stop_instance{"vm1", false, 60});
  EXPECT_EQ(state(), instance_state::stopping);
  auto stopped = s.when_ok(mark_exited{id, 0, 0, "powerdown", true});
  EXPECT_EQ(types(stopped), std::vector<std::string>{"instance.stopped"});
  EXPECT_EQ(stopped[0].payload["ended_by"], "powerdown");
  EXPECT_EQ(state(), instance_state::stopped);
  EXPECT_EQ(s.state.instances.find(id)->pid, 0);
  EXPECT_TRUE(s.when_ok(mark_exited{id, 0, 0, "", false}).empty()) << "a late exit report changes nothing";
  s.when_ok(start_instance{"vm1"});
  s.when_ok(mark_start_failed{id, "qemu: could not open disk"});
  EXPECT_EQ(state(), instance_state::stopped);
  EXPECT_EQ(s.state.instances.find(id)->message, "qemu: could not open disk");
  auto removed = s.when_ok(remove_instance{"vm1"});
  EXPECT_EQ(types(removed), std::vector<std::string>{"instance.removed"});
  EXPECT_EQ(s.state.instances.resolve("vm1"), nullptr);
  EXPECT_TRUE(s.state.networks.resolve("default_host_network")->used_by.empty());
}

TEST(instance, a_clean_guest_poweroff_is_a_stop_and_a_kill_is_a_crash) {
  auto s = with_default_networks();
  auto c = vm(s, "vm1");
  c.restart.mode = restart_mode::never;
  s.when_ok(c);
  std::uint64_t id = s.state.instances.resolve("vm1")->id;
  s.when_ok(start_instance{"vm1"});
  s.when_ok(mark_started{id, 10, 1});
  auto poweroff = s.when_ok(mark_exited{id, 0, 0, "", false});
  EXPECT_EQ(types(poweroff), std::vector<std::string>{"instance.stopped"});
  EXPECT_EQ(poweroff[0].payload["ended_by"], "guest");
  s.when_ok(start_instance{"vm1"});
  s.when_ok(mark_started{id, 11, 2});
  auto killed = s.when_ok(mark_exited{id, -1, 9, "", false});
  EXPECT_EQ(types(killed), std::vector<std::string>{"instance.crashed"});
  const auto* i = s.state.instances.find(id);
  EXPECT_EQ(i->state, instance_state::crashed);
  EXPECT_EQ(i->last_exit, (std::pair{-1, 9}));
  EXPECT_NE(i->message.find("signal 9"), std::string::npos);
  s.when_ok(start_instance{"vm1"});
  EXPECT_EQ(s.state.instances.find(id)->state, instance_state::starting) << "a crashed instance can be started again";
}

TEST(instance, phone_home_and_address_reports_are_shown) {
  auto s = with_default_networks();
  s.when_ok(vm(s, "vm1"));
  std::uint64_t id = s.state.instances.resolve("vm1")->id;
  s.when_ok(record_ip_report{id, "172.16.4.10"});
  EXPECT_EQ(s.when_refused(record_ip_report{id, "not an ip"}).code(), errc::invalid_argument);
  phone_home_report r;
  r.hostname = "vm1";
  r.host_keys["ssh-ed25519"] = "AAAAC3NzaC1lZDI1NTE5AAAAIG";
  s.when_ok(record_phone_home{id, r});
  auto json = to_json(*s.state.instances.find(id));
  EXPECT_EQ(json["phone_home"]["ip"], "172.16.4.10");
  EXPECT_EQ(json["phone_home"]["hostname"], "vm1");
  EXPECT_EQ(json["phone_home"]["host_keys"]["ssh-ed25519"], "AAAAC3NzaC1lZDI1NTE5AAAAIG");
}

// Issue #15: a guest repeating itself records nothing new.
TEST(instance, issue_15_only_changed_guest_reports_are_recorded) {
  auto s = with_default_networks();
  s.when_ok(vm(s, "vm1"));
  std::uint64_t id = s.state.instances.resolve("vm1")->id;
  EXPECT_EQ(s.when_ok(record_ip_report{id, "172.16.4.10"}).size(), 1u);
  EXPECT_TRUE(s.when_ok(record_ip_report{id, "172.16.4.10"}).empty()) << "the same address again";
  EXPECT_EQ(s.when_ok(record_ip_report{id, "172.16.4.11"}).size(), 1u) << "a new address";
  phone_home_report r;
  r.hostname = "vm1";
  r.host_keys["ssh-ed25519"] = "AAAAC3NzaC1lZDI1NTE5AAAAIG";
  EXPECT_EQ(s.when_ok(record_phone_home{id, r}).size(), 1u);
  EXPECT_TRUE(s.when_ok(record_phone_home{id, r}).empty()) << "the same report again";
  r.host_keys["ssh-rsa"] = "AAAAB3NzaC1yc2E";
  EXPECT_EQ(s.when_ok(record_phone_home{id, r}).size(), 1u) << "a new host key";
}

// Issue #16: a static address nothing would configure is refused, not ignored.
TEST(instance, issue_16_a_static_address_needs_a_cloud_init_bootstrapper) {
  auto s = with_default_networks();
  for (const char* b : {"none", "ignition"}) {
    auto c = vm(s, std::string("v") + b);
    c.bootstrapper = parse_bootstrapper(b).value();
    c.static_ip4 = "172.16.4.5";
    auto refused = s.when_refused(c);
    EXPECT_EQ(refused.code(), errc::invalid_argument) << b;
    EXPECT_NE(refused.message().find("needs the ci or ci-disk bootstrapper"), std::string::npos) << refused.message();
  }
  auto c = vm(s, "vci");
  c.bootstrapper = bootstrapper::ci_disk;
  c.static_ip4 = "172.16.4.5";
  s.when_ok(c);
}

TEST(instance, a_network_in_use_cannot_be_removed) {
  auto s = with_default_networks();
  s.when_ok(vm(s, "vm1"));
  auto e = s.when_refused(remove_network{"default_host_network"});
  EXPECT_EQ(e.code(), errc::conflict);
  EXPECT_NE(e.message().find("vm1"), std::string::npos);
  s.when_ok(remove_instance{"vm1"});
  s.when_ok(remove_network{"default_host_network"});
}

TEST(instance, modify_checks_and_records_only_changes) {
  auto s = with_default_networks();
  s.when_ok(vm(s, "vm1"));
  s.when_ok(vm(s, "vm2"));
  host_limits host{4, 8192};
  EXPECT_TRUE(s.when_ok(modify_instance{"vm1", {std::nullopt, std::nullopt, 2u, std::nullopt}, host}).empty());
  EXPECT_EQ(s.when_refused(modify_instance{"vm1", {"vm2", std::nullopt, std::nullopt, std::nullopt}, host}).code(),
            errc::already_exists);
  EXPECT_EQ(s.when_refused(modify_instance{"vm1", {std::nullopt, std::nullopt, 99u, std::nullopt}, host}).code(),
            errc::invalid_argument);
  auto evs = s.when_ok(modify_instance{"vm1", {"web", "cocoa", 3u, 4096}, host});
  ASSERT_EQ(types(evs), std::vector<std::string>{"instance.modified"});
  const auto* i = s.state.instances.resolve("web");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->display, "gui");
  EXPECT_EQ(i->vcpu, 3u);
  EXPECT_EQ(i->ram_mb, 4096u);
  EXPECT_EQ(s.state.instances.resolve("vm1"), nullptr);
}

}  // namespace
}  // namespace kaso::domain

namespace kaso::domain {
namespace {

// Issue #17: readiness on every boot. instance.ready comes once per boot, only while running,
// with the time since that boot's instance.starting; a new boot forgets the last one's.
TEST(instance, issue_17_ready_is_recorded_once_per_boot_with_the_time_since_start) {
  auto s = with_default_networks();
  s.when_ok(vm(s, "vm1"));
  std::uint64_t id = s.state.instances.resolve("vm1")->id;
  EXPECT_TRUE(s.when_ok(record_ready{id, 5'000'000}).empty()) << "not running: nothing";
  s.now_us = 10'000'000;
  s.when_ok(start_instance{"vm1"});
  EXPECT_TRUE(s.when_ok(record_ready{id, 10'500'000}).empty()) << "still starting: nothing";
  s.when_ok(mark_started{id, 4242, 77});
  auto ready = s.when_ok(record_ready{id, 52'250'000});
  ASSERT_EQ(types(ready), std::vector<std::string>{"instance.ready"});
  EXPECT_EQ(ready[0].payload["after_ms"], 42250);
  EXPECT_TRUE(s.when_ok(record_ready{id, 60'000'000}).empty()) << "once per boot";
  auto json = to_json(*s.state.instances.find(id));
  EXPECT_EQ(json["ready"], true);
  EXPECT_DOUBLE_EQ(json["ready_after_s"].get<double>(), 42.25);
  s.now_us = 70'000'000;
  s.when_ok(stop_instance{"vm1", false, 60});
  s.when_ok(mark_exited{id, 0, 0, "powerdown", true});
  EXPECT_EQ(to_json(*s.state.instances.find(id))["ready"], false) << "stopped";
  s.now_us = 80'000'000;
  s.when_ok(start_instance{"vm1"});
  s.when_ok(mark_started{id, 4343, 78});
  EXPECT_EQ(to_json(*s.state.instances.find(id))["ready"], false) << "the second boot is not ready yet";
  auto again = s.when_ok(record_ready{id, 81'000'000});
  ASSERT_EQ(types(again), std::vector<std::string>{"instance.ready"});
  EXPECT_EQ(again[0].payload["after_ms"], 1000);
}

}  // namespace
}  // namespace kaso::domain

namespace kaso::domain {
namespace {

// Issue #17: the user's own cloud-init is recorded (kind and size, not the bytes) and needs a
// bootstrapper that reads it.
TEST(instance, issue_17_user_data_is_recorded_and_needs_a_cloud_init_bootstrapper) {
  auto s = with_default_networks();
  auto c = vm(s, "vm1");
  c.user_data_kind = "cloud-config";
  c.user_data_bytes = 120;
  for (const char* b : {"none", "ignition"}) {
    auto other = c;
    other.bootstrapper = parse_bootstrapper(b).value();
    auto refused = s.when_refused(other);
    EXPECT_NE(refused.message().find("--cloud-init needs the ci or ci-disk bootstrapper"), std::string::npos) << b;
  }
  auto ignition = c;
  ignition.user_data_kind = "ignition";
  EXPECT_NE(s.when_refused(ignition).message().find("--ignition needs the ignition bootstrapper"), std::string::npos);
  auto odd = c;
  odd.user_data_kind = "yaml";
  EXPECT_EQ(s.when_refused(odd).code(), errc::invalid_argument);
  auto created = s.when_ok(c);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].payload["user_data"], (nlohmann::json{{"kind", "cloud-config"}, {"bytes", 120}}));
  auto json = to_json(*s.state.instances.resolve("vm1"));
  EXPECT_EQ(json["user_data"]["kind"], "cloud-config");
  EXPECT_EQ(json["user_data"]["path"], "/var/kaso/instances/vm1/user-data.custom");
  EXPECT_EQ(to_json(*s.state.instances.resolve("vm1"))["user_data"]["bytes"], 120);
  s.when_ok(vm(s, "vm2"));
  EXPECT_TRUE(to_json(*s.state.instances.resolve("vm2"))["user_data"].is_null());
}

}  // namespace
}  // namespace kaso::domain

namespace kaso::domain {
namespace {

TEST(port_forward, issue_17_the_written_forms_and_their_refusals) {
  auto f = parse_port_forward("8080:80");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, (port_forward{"tcp", "127.0.0.1", 8080, 80})) << "loopback unless an address is given";
  EXPECT_EQ(parse_port_forward("udp:0.0.0.0:5353:53").value(), (port_forward{"udp", "0.0.0.0", 5353, 53}));
  EXPECT_EQ(parse_port_forward("tcp:192.168.1.4:2000:22").value(), (port_forward{"tcp", "192.168.1.4", 2000, 22}));
  EXPECT_EQ(to_string(*f), "tcp:127.0.0.1:8080:80");
  EXPECT_EQ(parse_port_forward(to_string(*f)).value(), *f);
  for (const char* bad : {"80", "0:80", "8080:70000", "sctp:1:2", "x:1:2", "1.2.3:1:2", "tcp:8080", ":", "8080:80:", ""}) {
    EXPECT_FALSE(parse_port_forward(bad).ok()) << bad;
  }
}

// Issue #17: forwards are events, each host socket is taken once across instances (their SSH
// forwards included), and only instances with an SSH forward (user networks) take them.
TEST(instance, issue_17_port_forwards_are_recorded_and_never_share_a_host_socket) {
  auto s = with_default_networks();
  auto c = vm(s, "vm1");
  c.forwards = {{"tcp", "127.0.0.1", 8080, 80}, {"udp", "127.0.0.1", 8080, 53}};
  auto created = s.when_ok(c);
  EXPECT_EQ(types(created), (std::vector<std::string>{"instance.created", "instance.forward_added", "instance.forward_added"}));
  EXPECT_EQ(created[2].version, 3u);
  auto vm1 = s.state.instances.resolve("vm1");
  EXPECT_EQ(to_json(*vm1)["forwards"], nlohmann::json::array({"tcp:127.0.0.1:8080:80", "udp:127.0.0.1:8080:53"}));
  auto c2 = vm(s, "vm2");
  c2.forwards = {{"tcp", "0.0.0.0", 8080, 81}};
  EXPECT_EQ(s.when_refused(c2).code(), errc::conflict) << "0.0.0.0 takes every address";
  c2.forwards = {{"tcp", "127.0.0.1", 9000, 80}, {"tcp", "127.0.0.1", 9000, 81}};
  EXPECT_EQ(s.when_refused(c2).code(), errc::conflict) << "twice in one request";
  c2.forwards = {{"tcp", "127.0.0.1", vm1->ssh_port, 80}};
  EXPECT_NE(s.when_refused(c2).message().find("SSH forward"), std::string::npos);
  c2.forwards = {};
  s.when_ok(c2);
  EXPECT_EQ(s.when_refused(add_forward{"vm2", {"tcp", "127.0.0.1", 8080, 80}}).code(), errc::conflict);
  auto added = s.when_ok(add_forward{"vm2", {"tcp", "192.168.7.1", 8080, 80}});
  EXPECT_EQ(types(added), std::vector<std::string>{"instance.forward_added"});
  auto removed = s.when_ok(remove_forward{"vm1", {"tcp", "127.0.0.1", 8080, 0}});
  EXPECT_EQ(removed[0].payload["guest_port"], 80) << "matched by the host side, recorded whole";
  EXPECT_EQ(to_json(*s.state.instances.resolve("vm1"))["forwards"], nlohmann::json::array({"udp:127.0.0.1:8080:53"}));
  EXPECT_EQ(s.when_refused(remove_forward{"vm1", {"tcp", "127.0.0.1", 8080, 0}}).code(), errc::not_found);
  s.when_ok(add_forward{"vm2", {"tcp", "127.0.0.1", 8080, 80}});  // free again
  auto bridged = vm(s, "vm3");
  bridged.ssh_port = 0;
  bridged.forwards = {{"tcp", "127.0.0.1", 7000, 80}};
  EXPECT_NE(s.when_refused(bridged).message().find("bridged"), std::string::npos);
}

}  // namespace
}  // namespace kaso::domain

namespace kaso::domain {
namespace {

TEST(guest_mount, issue_17_the_written_forms_and_their_refusals) {
  EXPECT_EQ(parse_guest_mount("/home/me/src").value(), (guest_mount{"/home/me/src", "/home/me/src", false}))
      << "the guest path defaults to the host's";
  EXPECT_EQ(parse_guest_mount("/home/me/src/:/src:ro").value(), (guest_mount{"/home/me/src", "/src", true}));
  EXPECT_EQ(parse_guest_mount("/data:rw").value(), (guest_mount{"/data", "/data", false}));
  EXPECT_EQ(to_string(parse_guest_mount("/a:/b:ro").value()), "/a:/b:ro");
  for (const char* bad : {"", "rel/dir", "/a:rel", "/a:/", "/a b", "/a,b", "/a/../etc", "/a:/b:/c", "/a://b", "/a:/b:xx"}) {
    EXPECT_FALSE(parse_guest_mount(bad).ok()) << bad;
  }
  EXPECT_EQ(mount_tag(1), "kaso1");
}

// Issue #17: mounts are recorded at create, need cloud-init, and take each guest path once.
TEST(instance, issue_17_mounts_are_recorded_and_need_cloud_init) {
  auto s = with_default_networks();
  auto c = vm(s, "vm1");
  c.mounts = {{"/srv/a", "/a", false}, {"/srv/b", "/b", true}};
  auto none = c;
  none.bootstrapper = bootstrapper::none;
  EXPECT_NE(s.when_refused(none).message().find("--mount needs the ci or ci-disk"), std::string::npos);
  auto twice = c;
  twice.mounts[1].guest_path = "/a";
  EXPECT_EQ(s.when_refused(twice).code(), errc::invalid_argument);
  auto created = s.when_ok(c);
  EXPECT_EQ(created[0].payload["mounts"][1],
            (nlohmann::json{{"host_path", "/srv/b"}, {"guest_path", "/b"}, {"readonly", true}}));
  EXPECT_EQ(to_json(*s.state.instances.resolve("vm1"))["mounts"], nlohmann::json::array({"/srv/a:/a", "/srv/b:/b:ro"}));
}

// Issue #17: mounts are added and removed after create, in any state (the guest gets them at its
// next start), each an event; the uid they were checked with is the event's cause.
TEST(instance, issue_17_mounts_change_after_create_and_keep_whose_rights_checked_them) {
  auto s = with_default_networks();
  auto c = vm(s, "vm1");
  c.mounts = {{"/srv/a", "/a", false}};
  auto created = s.when_ok(c);
  created[0].caused_by.uid = 1000;
  s = with_default_networks();
  s.given(created);
  EXPECT_EQ(s.state.instances.resolve("vm1")->mounts[0].uid, 1000);
  EXPECT_EQ(s.when_refused(add_mount{"vm1", {"/srv/other", "/a", false}}).code(), errc::conflict)
      << "one mount per guest directory";
  EXPECT_EQ(s.when_refused(add_mount{"nope", {"/srv/b", "/b", false}}).code(), errc::not_found);
  auto added = decide(s.state, add_mount{"vm1", {"/srv/b", "/b", true}});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(types(*added), std::vector<std::string>{"instance.mount_added"});
  EXPECT_EQ((*added)[0].payload, (nlohmann::json{{"host_path", "/srv/b"}, {"guest_path", "/b"}, {"readonly", true}}));
  (*added)[0].caused_by.uid = 1001;
  s.given(*added);
  const auto* i = s.state.instances.resolve("vm1");
  ASSERT_EQ(i->mounts.size(), 2u);
  EXPECT_EQ(i->mounts[1], (guest_mount{"/srv/b", "/b", true, 1001}));
  EXPECT_EQ(mount_table(i->mounts), "kaso0 rw /a\nkaso1 ro /b\n");

  EXPECT_EQ(s.when_refused(remove_mount{"vm1", "/c"}).message(), "instance 'vm1' mounts nothing on '/c' (its mounts: /a, /b)");
  auto removed = s.when_ok(remove_mount{"vm1", "/a"});
  EXPECT_EQ(types(removed), std::vector<std::string>{"instance.mount_removed"});
  EXPECT_EQ(removed[0].payload, (nlohmann::json{{"guest_path", "/a"}}));
  EXPECT_EQ(to_json(*s.state.instances.resolve("vm1"))["mounts"], nlohmann::json::array({"/srv/b:/b:ro"}));
  EXPECT_EQ(mount_table(s.state.instances.resolve("vm1")->mounts), "kaso0 ro /b\n") << "tags follow the order";

  for (int k = 1; k < static_cast<int>(max_guest_mounts); ++k) {
    s.when_ok(add_mount{"vm1", {"/srv/b", "/m" + std::to_string(k), false}});
  }
  EXPECT_EQ(s.when_refused(add_mount{"vm1", {"/srv/b", "/one-too-many", false}}).code(), errc::invalid_argument);

  auto other = vm(s, "vm2");
  other.bootstrapper = bootstrapper::none;
  s.when_ok(other);
  EXPECT_NE(s.when_refused(add_mount{"vm2", {"/srv/b", "/b", false}}).message().find("--mount needs the ci or ci-disk"),
            std::string::npos);
}

}  // namespace
}  // namespace kaso::domain

namespace kaso::domain {
namespace {

// Issue #18: a bootstrapper is one row: its name reads back, and what kaso asks of it (where the
// seed is, whether cloud-init reads kaso's documents, whether it takes Ignition) is in that row.
TEST(bootstrapper, issue_18_one_row_says_everything_about_a_bootstrapper) {
  for (const auto& t : bootstrapper_table) {
    EXPECT_EQ(parse_bootstrapper(t.name).value(), t.kind) << t.name;
    EXPECT_EQ(&traits(t.kind), &t);
    EXPECT_EQ(to_string(t.kind), t.name);
  }
  EXPECT_EQ(traits(bootstrapper::ci).seed, seed_kind::served);
  EXPECT_EQ(traits(bootstrapper::ci_disk).seed, seed_kind::disk);
  EXPECT_TRUE(traits(bootstrapper::ci_disk).cloud_init);
  EXPECT_EQ(traits(bootstrapper::ignition).seed, seed_kind::fw_cfg);
  EXPECT_TRUE(traits(bootstrapper::ignition).ignition);
  EXPECT_FALSE(traits(bootstrapper::none).cloud_init);
  EXPECT_FALSE(parse_bootstrapper("CI").ok()) << "names are exact";
}

}  // namespace
}  // namespace kaso::domain
