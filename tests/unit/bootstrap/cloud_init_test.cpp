// The cloud-init documents read back with PyYAML, as cloud-init reads them: the whole structure
// of user-data, meta-data and network-config, and what is left out when not asked for.
#include "bootstrap/cloud_init.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"

namespace kaso::bootstrap {
namespace {

using nlohmann::json;
using testing::parse_yaml;

const std::string alice_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDxWb0ZVn1yYkQq alice@laptop";
const std::string bob_hash = "$6$rounds=5000$saltsalt$Fj6CwZ2bQv0lK3nE1gq5w8uV3a4r/xH9Yb0.";

guest_config full_config() {
  guest_config config;
  config.instance_id = "kaso-7";
  config.hostname = "web-1";
  config.users = {{"alice", "", "", "", {alice_key, "ssh-rsa AAAAB3NzaC1yc2E alice@desk"}, ""},
                  {"bob", "Bob Builder,,,", "/bin/zsh", "/srv/bob", {}, bob_hash}};
  config.phone_home_url = "http://172.16.4.2/phone-home";
  config.ip_report_url = "http://172.16.4.2/ip-report?instance=7";
  config.datasource_list = {"NoCloud", "None"};
  return config;
}

json sudo_fields(json entry) {
  entry["sudo"] = "ALL=(ALL) NOPASSWD:ALL";
  entry["groups"] = "sudo";
  return entry;
}

TEST(user_data, first_line_is_cloud_config_and_the_rest_is_the_whole_document) {
  const std::string text = user_data(full_config());
  ASSERT_EQ(text.substr(0, text.find('\n')), "#cloud-config");

  json expected = {
      {"hostname", "web-1"},
      {"fqdn", "web-1"},
      {"preserve_hostname", false},
      {"manage_etc_hosts", true},
      {"datasource_list", json::array({"NoCloud", "None"})},
      {"users",
       {sudo_fields({{"name", "alice"},
                     {"ssh_authorized_keys",
                      json::array({alice_key, "ssh-rsa AAAAB3NzaC1yc2E alice@desk"})},
                     {"lock_passwd", true}}),
        sudo_fields({{"name", "bob"},
                     {"gecos", "Bob Builder,,,"},
                     {"shell", "/bin/zsh"},
                     {"homedir", "/srv/bob"},
                     {"lock_passwd", false},
                     {"passwd", bob_hash}})}},
      {"ssh_pwauth", true},
      {"phone_home",
       {{"url", "http://172.16.4.2/phone-home"},
        {"post", {"pub_key_rsa", "pub_key_ecdsa", "pub_key_ed25519", "instance_id", "hostname",
                  "fqdn"}},
        {"tries", 10}}},
      {"bootcmd", json::array({std::string{mount_script()}})},
      {"runcmd",
       json::array({json::array({"python3", "-c", std::string{ip_report_script()},
                                 "http://172.16.4.2/ip-report?instance=7"})})}};
  EXPECT_EQ(parse_yaml(text), expected);
}

TEST(user_data, is_also_plain_json_after_the_first_line) {
  const std::string text = user_data(full_config());
  auto parsed = json::parse(text.substr(text.find('\n') + 1), nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed, parse_yaml(text));
}

TEST(user_data, without_passwords_or_urls_locks_users_and_adds_nothing) {
  guest_config config;
  config.hostname = "db";
  config.users = {{"carol", "", "", "", {alice_key}, ""}};
  const json parsed = parse_yaml(user_data(config));

  EXPECT_EQ(parsed["ssh_pwauth"], false);
  const json carol = sudo_fields(
      {{"name", "carol"}, {"ssh_authorized_keys", {alice_key}}, {"lock_passwd", true}});
  EXPECT_EQ(parsed["users"], json::array({carol}));
  EXPECT_FALSE(parsed.contains("phone_home"));
  EXPECT_FALSE(parsed.contains("runcmd"));
  EXPECT_FALSE(parsed.contains("datasource_list"));
}

TEST(user_data, never_asks_for_the_distribution_default_user) {
  const std::string text = user_data(guest_config{});
  EXPECT_EQ(text.find("default"), std::string::npos) << text;
  EXPECT_EQ(parse_yaml(text)["users"], json::array());
}

TEST(meta_data, holds_instance_id_and_local_hostname) {
  EXPECT_EQ(parse_yaml(meta_data(full_config())),
            (json{{"instance-id", "kaso-7"}, {"local-hostname", "web-1"}}));
}

TEST(network_config, static_ip_is_version_2_matched_by_mac) {
  guest_config config = full_config();
  config.static_ip = static_ipv4{"52:54:00:ab:cd:ef", "172.16.4.20", 22, "172.16.4.1", "9.9.9.9"};
  auto text = network_config(config);
  ASSERT_TRUE(text.has_value());
  json eth0 = {{"match", {{"macaddress", "52:54:00:ab:cd:ef"}}},
               {"set-name", "eth0"},
               {"dhcp4", false},
               {"addresses", {"172.16.4.20/22"}},
               {"gateway4", "172.16.4.1"},
               {"nameservers", {{"addresses", {"9.9.9.9"}}}}};
  EXPECT_EQ(parse_yaml(*text), (json{{"version", 2}, {"ethernets", {{"eth0", eth0}}}}));
}

TEST(network_config, gateway_and_nameserver_only_when_set) {
  guest_config config;
  config.static_ip = static_ipv4{"52:54:00:00:00:01", "10.0.0.5", 24, "", ""};
  const json eth0 = parse_yaml(network_config(config).value())["ethernets"]["eth0"];
  EXPECT_EQ(eth0["addresses"], json::array({"10.0.0.5/24"}));
  EXPECT_FALSE(eth0.contains("gateway4"));
  EXPECT_FALSE(eth0.contains("nameservers"));
}

TEST(network_config, absent_without_static_ip) {
  EXPECT_EQ(network_config(full_config()), std::nullopt);
}

TEST(nocloud_files, user_data_meta_data_then_network_config_when_present) {
  guest_config config = full_config();
  auto files = nocloud_files(config);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].name, "user-data");
  EXPECT_EQ(files[0].content, user_data(config));
  EXPECT_EQ(files[1].name, "meta-data");
  EXPECT_EQ(files[1].content, meta_data(config));

  config.static_ip = static_ipv4{"52:54:00:00:00:01", "10.0.0.5", 24, "", ""};
  files = nocloud_files(config);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[2].name, "network-config");
  EXPECT_EQ(files[2].content, network_config(config).value());
}

}  // namespace
}  // namespace kaso::bootstrap
