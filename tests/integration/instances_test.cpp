// Instances through the real kaso-server and a real qemu (TCG, no guest OS: the VM sits in its
// firmware, which is enough for the lifecycle): create with its files, start until QMP reports
// running, a stop that falls back to quit when the guest ignores ACPI, restart, kill -9 recorded
// as a crash, all-or-nothing creation, image removal refused while used, removal. Every VM is on
// the host-only network (user networking with restrict=on). Issue #4.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "instance_fixture.hpp"
#include "platform/child_process.hpp"

namespace kaso::testing {
namespace {

namespace fs = std::filesystem;

TEST(instances_it, create_writes_the_overlay_seed_and_vm_script) {
  fixture f;
  auto vm = f.create("vm1", {{"static_ip4", "172.16.4.5"}});
  EXPECT_EQ(vm["state"], "created");
  EXPECT_EQ(vm["path"], (f.s.state_path() / "instances" / "vm1").string());
  auto info = run({"qemu-img", "info", "--output=json", vm["os_disk_path"].get<std::string>()});
  auto j = nlohmann::json::parse(info.stdout_text);
  EXPECT_EQ(j["format"], "qcow2");
  EXPECT_EQ(j["virtual-size"], 128 << 20) << "resized to the requested size";
  auto image = f.s.get_json("/api/v1/images/blank");
  EXPECT_EQ(j["full-backing-filename"], image["path"]) << "an overlay on the image, by absolute path";
  EXPECT_EQ(j["backing-filename-format"], "qcow2");
  auto iso = run({"isoinfo", "-d", "-i", vm["seed_path"].get<std::string>()});
  EXPECT_NE(iso.stdout_text.find("Volume id: CIDATA"), std::string::npos) << iso.stdout_text;
  auto user_data = run({"isoinfo", "-i", vm["seed_path"].get<std::string>(), "-J", "-x", "/user-data"});
  EXPECT_EQ(user_data.stdout_text.rfind("#cloud-config\n", 0), 0u);
  EXPECT_NE(user_data.stdout_text.find("\"alice\""), std::string::npos);
  auto network_config = run({"isoinfo", "-i", vm["seed_path"].get<std::string>(), "-J", "-x", "/network-config"});
  EXPECT_NE(network_config.stdout_text.find("172.16.4.5/24"), std::string::npos);
  std::ifstream script(vm["vm_script_path"].get<std::string>());
  std::string text((std::istreambuf_iterator<char>(script)), {});
  EXPECT_NE(text.find("qemu-system-x86_64"), std::string::npos);
  EXPECT_NE(text.find("restrict=on"), std::string::npos) << "host-only means restricted user networking";
  EXPECT_NE(text.find("hostfwd=tcp:127.0.0.1:" + std::to_string(vm["ssh_port"].get<int>()) + "-172.16.4.5:22"),
            std::string::npos) << "the SSH forward goes to the static address";
  EXPECT_EQ(event_types(f.s, "instance"), std::vector<std::string>{"instance.created"});
  EXPECT_EQ(f.s.get_json("/api/v1/networks/default_host_network")["used_by"], nlohmann::json::array({"vm1"}));
}

TEST(instances_it, refused_or_failed_creation_leaves_nothing) {
  fixture f;
  f.create("vm1", {{"static_ip4", "172.16.4.50"}}, 400);  // inside the DHCP range
  f.create("../evil", nlohmann::json::object(), 400);
  f.create("vm1", {{"image", "nope"}}, 404);
  f.create("vm1", {{"identities", {"nobody"}}}, 404);
  f.create("vm1", {{"vcpu", 4096}}, 400);
  f.create("vm1", {{"disk_size", 1 << 20}}, 400);  // smaller than the image
  f.create("vm1", {{"surprise", true}}, 400);
  // The image's file vanishes behind the server's back: qemu-img fails half way.
  auto image_path = f.s.get_json("/api/v1/images/blank")["path"].get<std::string>();
  fs::rename(image_path, image_path + ".away");
  f.create("vm1", nlohmann::json::object(), 500);
  fs::rename(image_path + ".away", image_path);
  EXPECT_FALSE(fs::exists(f.s.state_path() / "instances" / "vm1")) << "no half-created instance";
  EXPECT_TRUE(fs::is_empty(f.s.state_path() / "instances"));
  EXPECT_TRUE(event_types(f.s, "instance").empty());
  EXPECT_TRUE(f.s.get_json("/api/v1/instances").empty());
  // Nothing holds the image any more.
  EXPECT_EQ(call(f.s, "DELETE", "/api/v1/images/blank").status, 200);
}

TEST(instances_it, start_stop_restart_crash_and_remove_a_real_qemu) {
  fixture f;
  f.create("vm1", {{"restart", "never"}});
  auto started = call(f.s, "POST", "/api/v1/instances/vm1/start");
  ASSERT_EQ(started.status, 200) << started.body.dump();
  EXPECT_EQ(started.body["state"], "running");
  pid_t pid = started.body["pid"];
  ASSERT_TRUE(alive(pid));
  EXPECT_EQ(::getsid(pid), pid) << "qemu runs in its own session, so it outlives the server";
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::string args((std::istreambuf_iterator<char>(cmdline)), {});
  EXPECT_NE(args.find("qemu-system-x86_64"), std::string::npos);
  EXPECT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/start").status, 409) << "already running";

  auto in_use = call(f.s, "DELETE", "/api/v1/images/blank");
  EXPECT_EQ(in_use.status, 409);
  EXPECT_NE(in_use.body.dump().find("vm1"), std::string::npos) << "the refusal names the instance";
  EXPECT_EQ(call(f.s, "DELETE", "/api/v1/instances/vm1").status, 409) << "running: stop it first";

  // The firmware ignores ACPI: after the grace period, QMP quit.
  const auto guest_socket = f.s.state_path() / "instances" / "vm1" / "guest.sock";
  EXPECT_TRUE(fs::exists(guest_socket)) << "the guest's door is open while qemu runs";
  auto stopped = call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"timeout", 1}});
  ASSERT_EQ(stopped.status, 200) << stopped.body.dump();
  EXPECT_EQ(stopped.body["state"], "stopped");
  EXPECT_FALSE(alive(pid));
  EXPECT_FALSE(fs::exists(guest_socket)) << "closed before the stop is answered, not some time after";
  auto evs = f.s.get_json("/api/v1/events?kind=instance");
  EXPECT_EQ(evs.back()["type"], "instance.stopped");
  EXPECT_EQ(evs.back()["payload"]["ended_by"], "quit");

  auto again = call(f.s, "POST", "/api/v1/instances/vm1/start");
  ASSERT_EQ(again.status, 200);
  auto restarted = call(f.s, "POST", "/api/v1/instances/vm1/restart", {{"force", true}});
  ASSERT_EQ(restarted.status, 200) << restarted.body.dump();
  EXPECT_EQ(restarted.body["state"], "running");
  pid_t second = restarted.body["pid"];
  EXPECT_NE(second, again.body["pid"].get<pid_t>());
  EXPECT_FALSE(alive(again.body["pid"]));

  // kill -9 behind kaso's back: noticed at once and recorded as a crash.
  ASSERT_TRUE(kill_qemu(second));
  auto crashed = wait_instance(f.s, "vm1", [](const nlohmann::json& i) { return i["state"] == "crashed"; });
  EXPECT_EQ(crashed["exit"]["signal"], 9);
  EXPECT_EQ(event_types(f.s, "instance").back(), "instance.crashed");

  auto removed = call(f.s, "DELETE", "/api/v1/instances/vm1");
  ASSERT_EQ(removed.status, 200) << removed.body.dump();
  EXPECT_FALSE(fs::exists(f.s.state_path() / "instances" / "vm1"));
  EXPECT_EQ(event_types(f.s, "instance").back(), "instance.removed");
  EXPECT_EQ(call(f.s, "DELETE", "/api/v1/images/blank").status, 200) << "no longer in use";
}

// Issue #15, item 7: creations end in any order; each one gets its own id and none fails.
// Issue #16: every start writes vm.sh anew (it shows this boot's command line, e.g. after the
// accelerator changed) and keeps qemu.log to this boot (the previous one's becomes qemu.log.1).
TEST(instances_it, issue_16_each_start_writes_vm_sh_anew_and_keeps_qemu_log_to_its_boot) {
  fixture f;
  auto vm = f.create("vm1", {{"restart", "never"}});
  const std::string script = vm["vm_script_path"], log = vm["log_path"];
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/start").status, 200);
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).status, 200);
  std::ofstream(log, std::ios::app) << "the first boot's last words\n";
  std::ofstream(script, std::ios::trunc) << "stale\n";
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/start").status, 200);
  std::string text;
  EXPECT_TRUE(eventually([&] {
    std::ifstream in(script);
    text.assign(std::istreambuf_iterator<char>(in), {});
    return text.find("qemu-system-x86_64") != std::string::npos;
  }, std::chrono::seconds(10))) << text;
  std::ifstream previous(log + ".1"), current(log);
  std::string before((std::istreambuf_iterator<char>(previous)), {}), now((std::istreambuf_iterator<char>(current)), {});
  EXPECT_NE(before.find("the first boot's last words"), std::string::npos) << before;
  EXPECT_EQ(now.find("the first boot's last words"), std::string::npos) << now;
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).status, 200);
}

TEST(instances_it, issue_15_parallel_creates_with_distinct_names_all_succeed) {
  fixture f;
  constexpr int count = 30;
  std::vector<reply> replies(count);
  std::vector<std::thread> clients;
  for (int k = 0; k < count; ++k) {
    clients.emplace_back([&f, &replies, k] {
      replies[k] = f.s.call("POST", "/api/v1/instances",
                            {{"name", "p" + std::to_string(k)}, {"image", "blank"}, {"network", "default_host_network"},
                             {"identities", {"alice"}}, {"ram", 64}, {"disk_size", 128 << 20}});
    });
  }
  for (auto& c : clients) c.join();
  std::set<std::uint64_t> ids;
  for (int k = 0; k < count; ++k) {
    EXPECT_EQ(replies[k].status, 201) << "p" << k << ": " << replies[k].body.dump();
    if (replies[k].status == 201) ids.insert(replies[k].body["id"].get<std::uint64_t>());
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(count)) << "distinct ids";
  EXPECT_EQ(f.s.get_json("/api/v1/instances").size(), static_cast<std::size_t>(count));
  // The ids survive a fold from the log as they were given.
  EXPECT_EQ(f.s.stop(), 0);
  f.s.start();
  for (int k = 0; k < count; ++k) {
    if (replies[k].status != 201) continue;
    EXPECT_EQ(f.s.get_json("/api/v1/instances/p" + std::to_string(k))["id"], replies[k].body["id"]);
  }
}

// Issue #16: an identity an instance uses is not removed (the instance would name one that is
// gone): refused with the instance named, nothing recorded, after a restart too; once the
// instance is removed, so can the identity be.
TEST(instances_it, issue_16_an_identity_in_use_is_not_removed) {
  fixture f;
  f.create("vm1");
  auto identity_events = [&] { return event_types(f.s, "identity").size(); };
  const auto before = identity_events();
  auto refused = call(f.s, "DELETE", "/api/v1/identities/alice");
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(refused.body.dump().find("used by instances: vm1"), std::string::npos) << refused.body.dump();
  auto cli = f.s.kaso({"identity", "remove", "alice"});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_EQ(cli.stderr_text.find("kaso: identity 'alice' is used by instances: vm1"), 0u) << cli.stderr_text;
  EXPECT_EQ(f.s.get_json("/api/v1/identities/alice")["used_by"], nlohmann::json::array({"vm1"}));
  EXPECT_EQ(f.s.stop(), 0);
  f.s.start();
  EXPECT_EQ(call(f.s, "DELETE", "/api/v1/identities/alice").status, 409) << "known again from the log";
  EXPECT_EQ(identity_events(), before) << "a refusal records nothing";
  ASSERT_EQ(call(f.s, "DELETE", "/api/v1/instances/vm1").status, 200);
  EXPECT_EQ(call(f.s, "DELETE", "/api/v1/identities/alice").status, 200);
  EXPECT_EQ(event_types(f.s, "identity").back(), "identity.removed");
}

TEST(instances_it, remove_force_stops_a_running_instance_first) {
  fixture f;
  f.create("vm1");
  auto started = call(f.s, "POST", "/api/v1/instances/vm1/start");
  ASSERT_EQ(started.status, 200);
  pid_t pid = started.body["pid"];
  auto removed = call(f.s, "DELETE", "/api/v1/instances/vm1?force=true");
  ASSERT_EQ(removed.status, 200) << removed.body.dump();
  EXPECT_FALSE(alive(pid));
  EXPECT_FALSE(fs::exists(f.s.state_path() / "instances" / "vm1"));
  auto types = event_types(f.s, "instance");
  EXPECT_EQ(types, (std::vector<std::string>{"instance.created", "instance.starting", "instance.started",
                                             "instance.stopping", "instance.stopped", "instance.removed"}));
}

// The server dies; its VMs do not. At the next start a running qemu is watched again (same pid)
// and one that died meanwhile is a failure under its restart policy: restarted (issue #5).
TEST(instances_it, qemu_outlives_a_killed_server_and_is_readopted) {
  fixture f;
  f.create("vm1");
  f.create("vm2", {{"restart_backoff_ms", 0}});
  pid_t first = call(f.s, "POST", "/api/v1/instances/vm1/start").body["pid"];
  pid_t second = call(f.s, "POST", "/api/v1/instances/vm2/start").body["pid"];
  ASSERT_GT(first, 0);
  ASSERT_GT(second, 0);
  f.s.kill9();
  EXPECT_TRUE(alive(first)) << "qemu outlives the server";
  ASSERT_TRUE(kill_qemu(second));
  f.s.start();
  auto vm1 = f.s.get_json("/api/v1/instances/vm1");
  EXPECT_EQ(vm1["state"], "running");
  EXPECT_EQ(vm1["pid"], first) << "re-adopted, not restarted";
  auto vm2 = wait_instance(f.s, "vm2", [&](const nlohmann::json& i) { return i["state"] == "running" && i["pid"] != second; });
  EXPECT_TRUE(alive(vm2["pid"].get<pid_t>())) << "a new qemu";
  auto evs = f.s.get_json("/api/v1/events?kind=instance&id=" + vm2["id"].dump());
  std::vector<std::string> tail;
  for (auto it = evs.end() - 4; it != evs.end(); ++it) tail.push_back((*it)["type"]);
  EXPECT_EQ(tail, (std::vector<std::string>{"instance.crashed", "instance.restart_scheduled", "instance.starting",
                                            "instance.restarted"}));
  EXPECT_EQ(evs[evs.size() - 4]["payload"]["reason"], "qemu vanished while the server was down");
  EXPECT_EQ(call(f.s, "POST", "/api/v1/instances/vm2/stop", {{"force", true}}).status, 200);
  // The re-adopted qemu is controlled as before, and its exit is still noticed.
  auto stopped = call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}});
  EXPECT_EQ(stopped.status, 200) << stopped.body.dump();
  EXPECT_EQ(stopped.body["state"], "stopped");
  // No longer our child: its end shows on a pidfd (PID 1 reaps the zombie later).
  auto process = platform::adopt(first);
  if (process.ok()) {
    EXPECT_TRUE(platform::wait_exit(*process, std::chrono::seconds(10)).ok()) << "qemu ended";
  }
}

// A raw HTTP request on a Unix socket; returns the status line and body.
std::string raw_request(const std::string& socket, const std::string& request) {
  const int fd = connect_unix(socket);
  if (fd < 0) return "";
  auto out = write_and_read_all(fd, request);
  ::close(fd);
  return out;
}

TEST(instances_it, the_guest_listener_serves_only_the_instance_itself) {
  fixture f;
  auto vm = f.create("netboot", {{"bootstrapper", "ci"}});
  f.create("other", {{"bootstrapper", "ci"}});
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/netboot/start").status, 200);
  auto socket = (fs::path(vm["path"].get<std::string>()) / "guest.sock").string();
  auto seed = raw_request(socket, "GET /user-data HTTP/1.0\r\n\r\n");
  EXPECT_NE(seed.find("200 OK"), std::string::npos) << seed;
  EXPECT_NE(seed.find("#cloud-config"), std::string::npos) << seed;
  EXPECT_NE(seed.find("\"netboot\""), std::string::npos) << "its own seed";
  for (const auto* path : {"/api/v1/instances", "/api/v1/server", "/../other/user-data", "/other/user-data"}) {
    auto answer = raw_request(socket, std::string("GET ") + path + " HTTP/1.0\r\n\r\n");
    EXPECT_NE(answer.find("404"), std::string::npos) << path << ": " << answer;
    EXPECT_EQ(answer.find("other"), std::string::npos) << path;
    EXPECT_EQ(answer.find("\"id\""), std::string::npos) << path;
  }
  std::string form = "pub_key_ed25519=ssh-ed25519+AAAAC3NzaC1lZDI1NTE5AAAAIKx+root%40netboot%0A&instance_id=kaso-99&hostname=netboot";
  auto posted = raw_request(socket, "POST /phone-home HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                                        std::to_string(form.size()) + "\r\n\r\n" + form);
  EXPECT_NE(posted.find("200"), std::string::npos) << posted;
  auto home = wait_instance(f.s, "netboot", [](const nlohmann::json& i) { return !i["phone_home"].is_null(); });
  EXPECT_EQ(home["phone_home"]["hostname"], "netboot");
  EXPECT_EQ(home["phone_home"]["host_keys"]["ssh-ed25519"], "AAAAC3NzaC1lZDI1NTE5AAAAIKx");
  EXPECT_TRUE(f.s.get_json("/api/v1/instances/other")["phone_home"].is_null()) << "claims of instance_id are ignored";
  auto evs = f.s.get_json("/api/v1/events?kind=instance");
  EXPECT_EQ(evs.back()["type"], "instance.phoned_home");
  EXPECT_EQ(evs.back()["cause"]["origin"], "guest");
  EXPECT_EQ(call(f.s, "POST", "/api/v1/instances/netboot/stop", {{"force", true}}).status, 200);
}

TEST(instances_it, networks_are_predefined_validated_and_protected_while_used) {
  fixture f;
  auto nets = f.s.get_json("/api/v1/networks");
  ASSERT_EQ(nets.size(), 3u);
  EXPECT_EQ(f.s.get_json("/api/v1/networks/default_host_network")["kind"], "host-only");
  EXPECT_EQ(f.s.get_json("/api/v1/networks/default_shared_network")["cidr"], "172.16.5.0/24");
  auto before = f.s.get_json("/api/v1/events").size();
  for (const auto& body : std::vector<nlohmann::json>{
           {{"name", "lab"}, {"kind", "host-only"}, {"cidr", "172.16.4.0/25"}, {"dhcp_start", "172.16.4.10"}, {"dhcp_end", "172.16.4.20"}},
           {{"name", "lab"}, {"kind", "host-only"}, {"cidr", "10.9.0.0/24"}, {"dhcp_start", "10.9.1.10"}, {"dhcp_end", "10.9.1.20"}},
           {{"name", "lab"}, {"kind", "host-only"}, {"cidr", "10.9.0.1/24"}, {"dhcp_start", "10.9.0.10"}, {"dhcp_end", "10.9.0.20"}},
           {{"name", "lab"}, {"kind", "wormhole"}},
           {{"name", "../lab"}, {"kind", "host-only"}, {"cidr", "10.9.0.0/24"}, {"dhcp_start", "10.9.0.10"}, {"dhcp_end", "10.9.0.20"}},
       }) {
    auto r = call(f.s, "POST", "/api/v1/networks", body);
    EXPECT_GE(r.status, 400) << body.dump();
    EXPECT_LT(r.status, 500) << body.dump();
  }
  EXPECT_EQ(f.s.get_json("/api/v1/events").size(), before) << "refusals record nothing";
  auto lab = call(f.s, "POST", "/api/v1/networks",
                  {{"name", "lab"}, {"kind", "host-only"}, {"cidr", "10.9.0.0/24"}, {"dhcp_start", "10.9.0.10"}, {"dhcp_end", "10.9.0.20"}});
  ASSERT_EQ(lab.status, 201) << lab.body.dump();
  f.create("vm1", {{"network", "lab"}, {"static_ip4", "10.9.0.5"}});
  f.create("vm2", {{"network", "lab"}, {"static_ip4", "10.9.0.5"}}, 409);
  EXPECT_EQ(call(f.s, "DELETE", "/api/v1/networks/lab").status, 409);
  EXPECT_EQ(call(f.s, "DELETE", "/api/v1/instances/vm1").status, 200);
  EXPECT_EQ(call(f.s, "DELETE", "/api/v1/networks/lab").status, 200);
  f.s.stop();
  f.s.start();
  EXPECT_EQ(f.s.get_json("/api/v1/networks").size(), 3u) << "predefined once; removal remembered";
}

}  // namespace
}  // namespace kaso::testing
