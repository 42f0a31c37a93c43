// Provisioning with the real qemu-img: the overlay on the image by absolute path, resized; the
// seed ISO and cloud-init files; vm.sh; and all or nothing when a step fails. Issue #4.
#include "vm/provision.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "platform/process.hpp"
#include "qemu/temp_dir.hpp"
#include "test_instance.hpp"

namespace kaso::vm {
namespace {

namespace fs = std::filesystem;

std::string run(const std::vector<std::string>& argv) {
  auto r = platform::run_process(argv, std::chrono::seconds(30));
  EXPECT_TRUE(r.ok() && r->succeeded()) << argv[0] << " " << (r.ok() ? r->stderr_text : r.error().message());
  return r.ok() ? r->stdout_text : "";
}

provision_request request(const qemu::temp_dir& tmp, const std::string& bootstrapper) {
  run({"qemu-img", "create", "-q", "-f", "qcow2", tmp.file("image.qcow2"), "64M"});
  auto nets = predefined_networks();
  provision_request r;
  r.instance = test_instance(tmp.file("vm1"), bootstrapper);
  r.network = *nets.resolve("default_host_network");
  r.image = {1, "blank", tmp.file("image.qcow2"), "qcow2", 64 << 20, {}};
  domain::identity alice;
  alice.name = "alice";
  alice.public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx alice@host";
  r.identities = {alice};
  r.platform = tcg_linux();
  return r;
}

TEST(provision, writes_overlay_seed_and_script) {
  qemu::temp_dir tmp;
  auto r = request(tmp, "ci-disk");
  ASSERT_TRUE(provision(r).ok());
  auto f = domain::files_of(r.instance.path);
  auto info = nlohmann::json::parse(run({"qemu-img", "info", "--output=json", f.os_disk}));
  EXPECT_EQ(info["virtual-size"], 128 << 20);
  EXPECT_EQ(info["full-backing-filename"], tmp.file("image.qcow2"));
  EXPECT_EQ(info["backing-filename-format"], "qcow2");
  EXPECT_NE(run({"isoinfo", "-d", "-i", f.seed_iso}).find("Volume id: CIDATA"), std::string::npos);
  std::ifstream meta(f.seed_dir + "/meta-data");
  std::string text((std::istreambuf_iterator<char>(meta)), {});
  EXPECT_NE(text.find("kaso-7"), std::string::npos);
  std::ifstream script(f.vm_script);
  std::string sh((std::istreambuf_iterator<char>(script)), {});
  EXPECT_EQ(sh.rfind("#!", 0), 0u);
  EXPECT_NE(sh.find("restrict=on"), std::string::npos);
  EXPECT_EQ(fs::status(f.vm_script).permissions() & fs::perms::owner_exec, fs::perms::owner_exec);
}

TEST(provision, ignition_and_none) {
  qemu::temp_dir tmp;
  auto r = request(tmp, "ignition");
  ASSERT_TRUE(provision(r).ok());
  auto f = domain::files_of(r.instance.path);
  auto ign = nlohmann::json::parse(std::ifstream(f.ignition));
  EXPECT_EQ(ign["passwd"]["users"][0]["name"], "alice");
  EXPECT_FALSE(fs::exists(f.seed_iso));
  r.instance = test_instance(tmp.file("vm2"), "none");
  ASSERT_TRUE(provision(r).ok());
  EXPECT_FALSE(fs::exists(domain::files_of(r.instance.path).seed_dir));
}

TEST(provision, all_or_nothing) {
  qemu::temp_dir tmp;
  auto r = request(tmp, "ci-disk");
  r.image.path = tmp.file("missing.qcow2");
  EXPECT_FALSE(provision(r).ok());
  EXPECT_FALSE(fs::exists(r.instance.path)) << "the half-made directory is removed";
  r = request(tmp, "ci-disk");
  fs::create_directory(r.instance.path);
  auto again = provision(r);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), errc::already_exists);
  EXPECT_TRUE(fs::exists(r.instance.path)) << "someone else's directory is left alone";
  r.instance.path = tmp.file("vm3");
  r.instance.name = "bad,name";  // qemu -name would misread it without escaping; the argv is still built
  r.platform.qemu_img = "/nonexistent/qemu-img";
  EXPECT_FALSE(provision(r).ok());
  EXPECT_FALSE(fs::exists(r.instance.path));
}

}  // namespace
}  // namespace kaso::vm
