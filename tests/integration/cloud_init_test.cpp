// Issue #17: your own cloud-init through the real kaso-server and CLI. A #cloud-config that is not
// YAML is refused with its line and leaves nothing (no directory, no event); one that is goes
// into the seed (the ISO's user-data read back with isoinfo and Python's email parser) after
// being kept as user-data.custom, readable only by the server's user; the CLI reads the file.
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "instance_fixture.hpp"

namespace kaso::testing {
namespace {

namespace fs = std::filesystem;

const std::string good = "#cloud-config\nwrite_files:\n  - path: /etc/kaso-hello\n    content: hello\n";

TEST(cloud_init_it, issue_17_a_cloud_config_that_is_not_yaml_is_refused_with_its_line_and_changes_nothing) {
  fixture f;
  auto refused = f.create("vm1", {{"cloud_init", "#cloud-config\nruncmd: [\n  - x\n"}}, 400);
  EXPECT_NE(refused.dump().find("line "), std::string::npos) << refused.dump();
  f.create("vm1", {{"cloud_init", "runcmd: [x]\n"}}, 400);
  f.create("vm1", {{"cloud_init", good}, {"bootstrapper", "none"}}, 400);
  f.create("vm1", {{"cloud_init", 42}}, 400);
  EXPECT_FALSE(fs::exists(f.s.state_path() / "instances" / "vm1"));
  EXPECT_TRUE(event_types(f.s, "instance").empty());
  auto file = f.s.root() / "bad.yaml";
  std::ofstream(file) << "#cloud-config\n\tbad: tab\n";
  auto cli = f.s.kaso({"instance", "create", "-n", "vm1", "--network", "default_host_network", "--image", "blank",
                       "--identity", "alice", "-s", "128M", "--ram", "64", "--cloud-init", file.string()});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.stderr_text.find("kaso: the #cloud-config is not YAML: line 2"), std::string::npos) << cli.stderr_text;
  auto missing = f.s.kaso({"instance", "create", "-n", "vm1", "--network", "default_host_network", "--image", "blank",
                           "--cloud-init", (f.s.root() / "nope.yaml").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.stderr_text.find("cannot read --cloud-init"), std::string::npos) << missing.stderr_text;
  EXPECT_TRUE(event_types(f.s, "instance").empty());
}

TEST(cloud_init_it, issue_17_the_users_cloud_config_is_kept_and_merged_into_the_seed) {
  fixture f;
  auto file = f.s.root() / "user.yaml";
  std::ofstream(file) << good;
  auto cli = f.s.kaso({"instance", "create", "-n", "vm1", "--network", "default_host_network", "--image", "blank",
                       "--identity", "alice", "-s", "128M", "--ram", "64", "--cloud-init", file.string()});
  ASSERT_EQ(cli.exit_code, 0) << cli.stderr_text;
  auto vm = f.s.get_json("/api/v1/instances/vm1");
  EXPECT_EQ(vm["user_data"]["kind"], "cloud-config");
  EXPECT_EQ(vm["user_data"]["bytes"], good.size());
  const std::string kept = vm["user_data"]["path"];
  std::ifstream in(kept);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), good);
  struct stat st {};
  ASSERT_EQ(::stat(kept.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto seed = run({"isoinfo", "-i", vm["seed_path"].get<std::string>(), "-J", "-x", "/user-data"});
  auto parts = run({"python3", "-c",
                    "import email, sys\n"
                    "m = email.message_from_string(sys.argv[1])\n"
                    "for p in m.walk():\n"
                    "    if not p.is_multipart(): print(p.get_content_type(), len(p.get_payload(decode=True)))\n",
                    seed.stdout_text});
  EXPECT_EQ(parts.stdout_text.rfind("text/cloud-config " + std::to_string(good.size()) + "\ntext/cloud-config ", 0), 0u)
      << parts.stdout_text << parts.stderr_text;
  auto created = f.s.get_json("/api/v1/events?kind=instance");
  ASSERT_FALSE(created.empty());
  EXPECT_EQ(created.front()["payload"]["user_data"], (nlohmann::json{{"kind", "cloud-config"}, {"bytes", good.size()}}));
}

// Issue #17: an Ignition guest gets the user's config merged by Ignition (ignition.config.merge).
TEST(cloud_init_it, issue_17_an_ignition_config_is_checked_and_merged) {
  fixture f;
  const std::string mine = R"({"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/etc/mine"}]}})";
  f.create("vm1", {{"bootstrapper", "ignition"}, {"ignition", "{\"ignition\":{\"version\":\"2.0\"}}"}}, 400);
  f.create("vm1", {{"bootstrapper", "ci-disk"}, {"ignition", mine}}, 400);
  f.create("vm1", {{"bootstrapper", "ignition"}, {"ignition", mine}, {"cloud_init", good}}, 400);
  EXPECT_TRUE(event_types(f.s, "instance").empty());
  auto file = f.s.root() / "mine.ign";
  std::ofstream(file) << mine;
  auto cli = f.s.kaso({"instance", "create", "-n", "vm1", "--network", "default_host_network", "--image", "blank",
                       "--identity", "alice", "-s", "128M", "--ram", "64", "-b", "ignition", "--ignition", file.string()});
  ASSERT_EQ(cli.exit_code, 0) << cli.stderr_text;
  auto vm = f.s.get_json("/api/v1/instances/vm1");
  EXPECT_EQ(vm["user_data"]["kind"], "ignition");
  std::ifstream in(vm["seed_path"].get<std::string>());
  auto config = nlohmann::json::parse(std::string((std::istreambuf_iterator<char>(in)), {}));
  std::string source = config["ignition"]["config"]["merge"][0]["source"];
  EXPECT_EQ(source.rfind("data:;base64,", 0), 0u) << config.dump();
  EXPECT_EQ(config["passwd"]["users"][0]["name"], "alice") << "kaso's own config is still there";
}

}  // namespace
}  // namespace kaso::testing
