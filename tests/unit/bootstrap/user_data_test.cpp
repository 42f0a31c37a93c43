// Issue #17: a user's own cloud-init. What is accepted (a #cloud-config that is a YAML mapping,
// a script) and refused (with the line of a YAML error), and the MIME multipart user-data read
// back with Python's email parser, as cloud-init reads it: the user's part byte for byte first,
// then kaso's document with its merge_how.
#include "bootstrap/user_data.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "bootstrap/cloud_init.hpp"
#include "bootstrap/ignition.hpp"
#include "crypto/base64.hpp"
#include "platform/process.hpp"
#include "test_support.hpp"

namespace kaso::bootstrap {
namespace {

using nlohmann::json;

TEST(user_data_check, issue_17_a_cloud_config_mapping_or_a_script_is_taken) {
  EXPECT_EQ(check_user_data("#cloud-config\nruncmd:\n  - [touch, /run/x]\nwrite_files:\n  - path: /a\n    content: b\n")
                .value(),
            user_data_kind::cloud_config);
  EXPECT_EQ(check_user_data("#!/bin/sh\necho hi > /run/x\n").value(), user_data_kind::script);
}

TEST(user_data_check, issue_17_what_is_not_yaml_is_refused_with_its_line) {
  auto bad = check_user_data("#cloud-config\nruncmd:\n  - [touch, /run/x]\nwrite_files: [\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), errc::invalid_argument);
  EXPECT_NE(bad.error().message().find("the #cloud-config is not YAML: line 5"), std::string::npos)
      << bad.error().message();
  auto tabs = check_user_data("#cloud-config\nruncmd:\n\t- x\n");
  ASSERT_FALSE(tabs.ok());
  EXPECT_NE(tabs.error().message().find("line 3"), std::string::npos) << tabs.error().message();
  auto list = check_user_data("#cloud-config\n- a\n- b\n");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.error().message().find("must be a YAML mapping"), std::string::npos);
  EXPECT_FALSE(check_user_data("runcmd: [x]\n").ok()) << "no #cloud-config header";
  EXPECT_FALSE(check_user_data("").ok());
  EXPECT_FALSE(check_user_data("#cloud-config\n# " + std::string(max_user_data, 'x') + "\n").ok()) << "too big";
}

// The parts of a MIME multipart/mixed text: [content type, decoded body].
std::vector<std::pair<std::string, std::string>> mime_parts(const std::string& text) {
  auto out = testing::run_ok({"python3", "-c",
                              "import email, json, sys\n"
                              "m = email.message_from_string(sys.argv[1])\n"
                              "print(json.dumps([[p.get_content_type(), p.get_payload(decode=True).decode()]"
                              " for p in m.walk() if not p.is_multipart()]))\n",
                              text});
  std::vector<std::pair<std::string, std::string>> parts;
  for (const auto& p : json::parse(out)) parts.emplace_back(p[0], p[1]);
  return parts;
}

TEST(user_data_multipart, issue_17_the_users_part_comes_first_unchanged_and_kasos_appends_its_lists) {
  guest_config config;
  config.instance_id = "kaso-3";
  config.hostname = "vm3";
  config.users = {{"alice", "", "", "", {"ssh-ed25519 AAAAC3Nz alice"}, ""}};
  config.ip_report_url = "http://10.0.2.100/ip";
  // A boundary-looking line and non-ASCII in the user's file change nothing: it travels in base64.
  config.user_user_data = "#cloud-config\n# --==kaso-user-data==\nruncmd:\n  - [touch, /run/é]\n";
  auto text = user_data(config);
  auto parts = mime_parts(text);
  ASSERT_EQ(parts.size(), 2u) << text;
  EXPECT_EQ(parts[0].first, "text/cloud-config");
  EXPECT_EQ(parts[0].second, config.user_user_data);
  EXPECT_EQ(parts[1].first, "text/cloud-config");
  auto kaso = testing::parse_yaml(parts[1].second);
  EXPECT_EQ(kaso["merge_how"], "dict(recurse_array,no_replace)+list(append)");
  EXPECT_EQ(kaso["users"][0]["name"], "alice");
  EXPECT_TRUE(kaso["runcmd"].is_array());

  config.user_user_data = "#!/bin/sh\necho hi\n";
  auto script = mime_parts(user_data(config));
  ASSERT_EQ(script.size(), 2u);
  EXPECT_EQ(script[0].first, "text/x-shellscript");
  EXPECT_EQ(script[0].second, "#!/bin/sh\necho hi\n");
}

TEST(user_data_multipart, issue_17_without_a_users_part_the_user_data_is_one_document_as_before) {
  guest_config config;
  config.hostname = "vm1";
  EXPECT_EQ(user_data(config).rfind("#cloud-config\n{", 0), 0u);
}

// Issue #17: shared directories are mounted on every boot by a boot command reading qemu's list
// (not cloud-init's first-boot `mounts`), so mounts changed later reach the guest: every
// cloud-init guest has it, and a user's own boot commands stay beside it.
TEST(user_data_mounts, issue_17_every_boot_mounts_the_shares_qemu_lists) {
  guest_config config;
  config.hostname = "vm1";
  auto doc = testing::parse_yaml(user_data(config));
  EXPECT_FALSE(doc.contains("mounts")) << "cloud-init's own mounts run on the first boot only";
  ASSERT_EQ(doc["bootcmd"], json::array({std::string(mount_script())}));
  std::string script(mount_script());
  EXPECT_NE(script.find("/sys/firmware/qemu_fw_cfg/by_name/opt/kaso/mounts/raw"), std::string::npos);
  EXPECT_NE(script.find("mount -t 9p -o \"trans=virtio,version=9p2000.L,msize=262144,$mode\" \"$tag\" \"$dir\""),
            std::string::npos);
  EXPECT_EQ(script.find("exit"), std::string::npos) << "the user's boot commands may share the script";
  config.user_user_data = "#cloud-config\nbootcmd: [[echo, mine]]\n";
  auto merged = user_data(config);
  EXPECT_NE(merged.find("\"bootcmd\""), std::string::npos);
  EXPECT_NE(merged.find("list(append)"), std::string::npos) << "appended to the user's boot commands";
}

// The script itself, run by sh against a table as qemu hands it over, mounts each line's share and
// skips what is not a share line (the mount command is replaced by one that records its words).
TEST(user_data_mounts, issue_17_the_boot_command_mounts_each_listed_share) {
  std::string script(mount_script());
  auto dir = std::filesystem::temp_directory_path() / ("kaso-mount-script-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "bin");
  std::ofstream(dir / "table") << "kaso0 rw " << (dir / "src").string() << "\nbogus rw /x\nkaso1 ro "
                               << (dir / "data").string() << "\nkaso2 rx /y\n";
  std::ofstream(dir / "bin" / "mount") << "#!/bin/sh\necho \"$@\" >> " << (dir / "mounted").string() << "\n";
  std::filesystem::permissions(dir / "bin" / "mount", std::filesystem::perms::owner_all);
  auto at = script.find("/sys/firmware/qemu_fw_cfg/by_name/opt/kaso/mounts/raw");
  ASSERT_NE(at, std::string::npos);
  script.replace(at, std::string_view("/sys/firmware/qemu_fw_cfg/by_name/opt/kaso/mounts/raw").size(), (dir / "table").string());
  auto ran = platform::run_process({"env", "PATH=" + (dir / "bin").string() + ":/usr/bin:/bin", "sh", "-c", script},
                                   std::chrono::seconds(10));
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(ran->exit_code, 0) << ran->stderr_text;
  std::ifstream mounted(dir / "mounted");
  std::string words((std::istreambuf_iterator<char>(mounted)), {});
  EXPECT_EQ(words, "-t 9p -o trans=virtio,version=9p2000.L,msize=262144,rw kaso0 " + (dir / "src").string() +
                       "\n-t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro kaso1 " + (dir / "data").string() + "\n");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "src")) << "the guest directory is made";
  std::filesystem::remove_all(dir);
}

TEST(ignition_merge, issue_17_a_users_ignition_config_is_checked_and_merged_by_ignition) {
  const std::string mine = R"({"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/etc/mine"}]}})";
  EXPECT_TRUE(check_ignition(mine).ok());
  EXPECT_FALSE(check_ignition("not json").ok());
  EXPECT_FALSE(check_ignition("[1]").ok());
  EXPECT_FALSE(check_ignition(R"({"ignition":{"version":"2.2.0"}})").ok()) << "spec 2 is not Ignition 3";
  EXPECT_FALSE(check_ignition(R"({"storage":{}})").ok());
  guest_config config;
  config.hostname = "fcos";
  config.user_user_data = mine;
  auto doc = json::parse(ignition_config(config));
  ASSERT_TRUE(doc["ignition"]["config"]["merge"].is_array());
  std::string source = doc["ignition"]["config"]["merge"][0]["source"];
  ASSERT_EQ(source.rfind("data:;base64,", 0), 0u);
  EXPECT_EQ(crypto::base64_decode(source.substr(13)).value(), mine);
  config.user_user_data.clear();
  EXPECT_FALSE(json::parse(ignition_config(config))["ignition"].contains("config"));
}

}  // namespace
}  // namespace kaso::bootstrap
