// Issue #17: shared directories through the real kaso-server, CLI and qemu (firmware only). A
// mount the server refuses (no such directory, a file, a relative path, two on one guest path, a
// bootstrapper without cloud-init) leaves nothing; one it takes is a -virtfs in qemu's command
// line (read-only where asked) and a line of the list qemu hands the guest (fw_cfg), which the
// seed's boot command mounts on every boot; qemu starts with it. Mounts change after create
// (`instance modify --mount/--remove-mount`), reach qemu at the next start, and each start checks
// the directories again.
#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include "instance_fixture.hpp"

namespace kaso::testing {
namespace {

namespace fs = std::filesystem;

TEST(mounts_it, issue_17_refused_mounts_leave_nothing_and_taken_ones_reach_qemu_and_the_seed) {
  fixture f;
  auto share = f.s.root() / "share";
  fs::create_directories(share);
  std::ofstream(f.s.root() / "a-file") << "x";
  EXPECT_EQ(f.create("vm1", {{"mounts", {(f.s.root() / "missing").string()}}}, 404)["error"]["code"], "not_found");
  f.create("vm1", {{"mounts", {(f.s.root() / "a-file").string()}}}, 409);
  f.create("vm1", {{"mounts", {"share"}}}, 400);
  f.create("vm1", {{"mounts", {share.string() + ":/x", share.string() + ":/x"}}}, 400);
  f.create("vm1", {{"mounts", {share.string()}}, {"bootstrapper", "none"}}, 400);
  EXPECT_FALSE(fs::exists(f.s.state_path() / "instances" / "vm1"));
  EXPECT_TRUE(event_types(f.s, "instance").empty());

  // The CLI makes a relative HOSTDIR absolute: it runs in the test's folder (the cwd it inherits).
  auto cwd = fs::current_path();
  fs::current_path(f.s.root());
  auto cli = f.s.kaso({"instance", "create", "-n", "vm1", "--network", "default_host_network", "--image", "blank",
                       "--identity", "alice", "-s", "128M", "--ram", "64", "--restart", "never", "--mount", "share:/mnt/s",
                       "--mount", share.string() + ":/mnt/r:ro"});
  fs::current_path(cwd);
  ASSERT_EQ(cli.exit_code, 0) << cli.stderr_text;
  auto vm = f.s.get_json("/api/v1/instances/vm1");
  EXPECT_EQ(vm["mounts"], nlohmann::json::array({share.string() + ":/mnt/s", share.string() + ":/mnt/r:ro"}));
  std::ifstream script(vm["vm_script_path"].get<std::string>());
  std::string text((std::istreambuf_iterator<char>(script)), {});
  EXPECT_NE(text.find("local,path=" + share.string() + ",mount_tag=kaso0,security_model=none"), std::string::npos) << text;
  EXPECT_EQ(text.find("mount_tag=kaso0,security_model=none,readonly"), std::string::npos) << "kaso0 is writable";
  EXPECT_NE(text.find("mount_tag=kaso1,security_model=none,readonly=on"), std::string::npos) << text;
  auto user_data = run({"isoinfo", "-i", vm["seed_path"].get<std::string>(), "-J", "-x", "/user-data"});
  const auto& text_ud = user_data.stdout_text;
  auto doc = nlohmann::json::parse(text_ud.substr(std::min(text_ud.find('\n'), text_ud.size())), nullptr, false);
  ASSERT_TRUE(doc.is_object()) << text_ud;
  EXPECT_TRUE(doc["bootcmd"].is_array() && doc["bootcmd"].size() == 1) << text_ud;
  EXPECT_NE(text.find("name=opt/kaso/mounts,string=kaso0 rw /mnt/s\nkaso1 ro /mnt/r\n"), std::string::npos) << text;
  // A share through a symbolic link is recorded as the directory it led to when checked.
  fs::create_directory_symlink(share, f.s.root() / "via-link");
  auto linked = f.create("vm2", {{"mounts", {(f.s.root() / "via-link").string() + ":/l"}}});
  EXPECT_EQ(linked["mounts"], nlohmann::json::array({share.string() + ":/l"}));
  auto started = call(f.s, "POST", "/api/v1/instances/vm1/start");
  ASSERT_EQ(started.status, 200) << started.body.dump() << "\nqemu takes the shares";
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).status, 200);
}

// The qemu command line of a running instance, from /proc (words joined by spaces).
std::string running_command_line(const nlohmann::json& vm) {
  std::ifstream in("/proc/" + std::to_string(vm["pid"].get<long>()) + "/cmdline");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  std::replace(text.begin(), text.end(), '\0', ' ');
  return text;
}

TEST(mounts_it, issue_17_modify_adds_and_removes_mounts_for_the_next_start_and_each_start_checks_them) {
  fixture f;
  auto a = f.s.root() / "a";
  auto b = f.s.root() / "b";
  fs::create_directories(a);
  fs::create_directories(b);
  f.create("vm1", {{"mounts", {a.string() + ":/a"}}});
  auto before = event_types(f.s, "instance").size();

  // Refused: nothing recorded.
  EXPECT_EQ(f.s.kaso({"instance", "modify", "vm1", "--mount", (f.s.root() / "missing").string()}).exit_code, 1);
  auto taken = f.s.kaso({"instance", "modify", "vm1", "--mount", b.string() + ":/a"});
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_NE(taken.stderr_text.find("already mounts " + a.string() + " on /a"), std::string::npos) << taken.stderr_text;
  auto unknown = f.s.kaso({"instance", "modify", "vm1", "--remove-mount", "/nope"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.stderr_text, "kaso: instance 'vm1' mounts nothing on '/nope' (its mounts: /a)\n");
  EXPECT_EQ(event_types(f.s, "instance").size(), before);

  // Stopped: recorded, and the next start's qemu has it.
  auto added = f.s.kaso({"instance", "modify", "vm1", "--mount", b.string() + ":/b:ro"});
  ASSERT_EQ(added.exit_code, 0) << added.stderr_text;
  EXPECT_EQ(added.stdout_text, "Modified instance with id " + f.s.get_json("/api/v1/instances/vm1")["id"].dump() + "\n");
  EXPECT_EQ(f.s.get_json("/api/v1/instances/vm1")["mounts"], nlohmann::json::array({a.string() + ":/a", b.string() + ":/b:ro"}));
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/start").status, 200);
  auto vm = wait_instance(f.s, "vm1", [](const nlohmann::json& i) { return i["state"] == "running"; });
  auto cmdline = running_command_line(vm);
  EXPECT_NE(cmdline.find("path=" + b.string() + ",mount_tag=kaso1,security_model=none,readonly=on"), std::string::npos)
      << cmdline;
  EXPECT_NE(cmdline.find("string=kaso0 rw /a\nkaso1 ro /b\n"), std::string::npos) << cmdline;

  // Running: recorded, said to come at the next start, and the running qemu is left as it is.
  auto removed = f.s.kaso({"instance", "modify", "vm1", "--remove-mount", "/a/"});
  ASSERT_EQ(removed.exit_code, 0) << removed.stderr_text;
  EXPECT_NE(removed.stdout_text.find("The mounts change when vm1 next starts (it is running now)"), std::string::npos)
      << removed.stdout_text;
  EXPECT_EQ(running_command_line(vm), cmdline);
  auto types = event_types(f.s, "instance");
  EXPECT_EQ(std::count(types.begin(), types.end(), "instance.mount_added"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "instance.mount_removed"), 1);
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).status, 200);
  // vm.sh follows the change (written by a worker once the change is recorded).
  std::string text;
  EXPECT_TRUE(eventually([&] {
    std::ifstream script(vm["vm_script_path"].get<std::string>());
    text.assign(std::istreambuf_iterator<char>(script), {});
    return text.find("path=" + a.string()) == std::string::npos && text.find("string=kaso0 ro /b") != std::string::npos;
  }, std::chrono::seconds(10))) << text;

  // Each start checks the shares again: a directory gone since is a refused start, nothing recorded.
  fs::remove(b);
  auto count = event_types(f.s, "instance").size();
  auto refused = call(f.s, "POST", "/api/v1/instances/vm1/start");
  EXPECT_EQ(refused.status, 404) << refused.body.dump();
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find("--remove-mount /b"), std::string::npos)
      << refused.body.dump();
  EXPECT_EQ(event_types(f.s, "instance").size(), count);
  // ... and one that became a link to elsewhere is refused too: what was checked is what is shared.
  fs::create_directory_symlink(a, b);
  refused = call(f.s, "POST", "/api/v1/instances/vm1/start");
  EXPECT_EQ(refused.status, 409) << refused.body.dump();
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find("now leads to " + a.string()), std::string::npos)
      << refused.body.dump();
}

}  // namespace
}  // namespace kaso::testing
