// Issue #17: shared directories through the real kaso-server, CLI and qemu (firmware only). A
// mount the server refuses (no such directory, a file, a relative path, two on one guest path, a
// bootstrapper without cloud-init) leaves nothing; one it takes is a -virtfs in qemu's command
// line (read-only where asked), a 9p fstab line in the seed, and qemu starts with it.
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
  EXPECT_EQ(doc["mounts"][1], nlohmann::json::array({"kaso1", "/mnt/r", "9p",
                                                     "trans=virtio,version=9p2000.L,msize=262144,nofail,ro", "0", "0"}));
  // A share through a symbolic link is recorded as the directory it led to when checked.
  fs::create_directory_symlink(share, f.s.root() / "via-link");
  auto linked = f.create("vm2", {{"mounts", {(f.s.root() / "via-link").string() + ":/l"}}});
  EXPECT_EQ(linked["mounts"], nlohmann::json::array({share.string() + ":/l"}));
  auto started = call(f.s, "POST", "/api/v1/instances/vm1/start");
  ASSERT_EQ(started.status, 200) << started.body.dump() << "\nqemu takes the shares";
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}}).status, 200);
}

}  // namespace
}  // namespace kaso::testing
