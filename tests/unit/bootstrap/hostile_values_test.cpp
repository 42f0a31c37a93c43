// Values from users (gecos, shell, home directory, key comments, hostnames, URLs) can hold any
// bytes. Read back with PyYAML, each one must come out as exactly the same string and add no key
// or list entry; invalid UTF-8 comes out as U+FFFD.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bootstrap/cloud_init.hpp"
#include "test_support.hpp"

namespace kaso::bootstrap {
namespace {

using nlohmann::json;
using namespace std::string_literals;

const std::vector<std::string> hostile_values = {
    "line one\nline two", "crlf\r\nnext: 1", "\n#cloud-config\nusers: [default]", "#cloud-config",
    "key: value", "- item", "{", "}", "[", "]", "{\"a\": 1}", "&anchor", "*alias",
    "!!python/object/apply:os.system [\"reboot\"]", "!!binary aGk=", "\"double\"", "'single'",
    "back\\slash", "\\\"", "\\ud83d\\ude00", "\\U0001F600", "nul\0byte"s, "\0"s, "\ttab",
    "% directive", "@at `tick` |pipe >fold", "---\n...\n", "?  complex", "yes", "no", "~",
    "null", "0x10", "1e3", " leading and trailing ",
    "\xc2\x85 NEL \xe2\x80\xa8 LS \xe2\x80\xa9 PS", "\xef\xbb\xbf BOM", "\x7f DEL \x1b[31m ESC",
    "Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"};

const std::string key_prefix = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDxWb0ZVn1yYkQq ";

guest_config config_with(const std::string& value) {
  guest_config config;
  config.instance_id = value;
  config.hostname = value;
  config.users = {{"alice", value, value, value, {key_prefix + value, value}, ""},
                  {"bob", value, value, value, {}, "$6$salt$" + value}};
  config.static_ip = static_ipv4{value, value, 24, value, value};
  config.phone_home_url = value;
  config.ip_report_url = value;
  config.datasource_list = {value, "None"};
  return config;
}

json user_entry(const std::string& name, const std::string& v, json keys, const json& hash) {
  json entry = {{"name", name}, {"gecos", v}, {"shell", v}, {"homedir", v}};
  if (!keys.empty()) entry["ssh_authorized_keys"] = std::move(keys);
  entry["lock_passwd"] = hash.is_null();
  if (!hash.is_null()) entry["passwd"] = hash;
  entry["sudo"] = "ALL=(ALL) NOPASSWD:ALL";
  entry["groups"] = "sudo";
  return entry;
}

// What PyYAML must give back for config_with(value), where `v` is the value as it reads back.
json expected_user_data(const std::string& v) {
  return {{"hostname", v},
          {"fqdn", v},
          {"preserve_hostname", false},
          {"manage_etc_hosts", true},
          {"datasource_list", json::array({v, "None"})},
          {"users",
           {user_entry("alice", v, json::array({key_prefix + v, v}), nullptr),
            user_entry("bob", v, json::array(), "$6$salt$" + v)}},
          {"ssh_pwauth", true},
          {"phone_home",
           {{"url", v},
            {"post", {"pub_key_rsa", "pub_key_ecdsa", "pub_key_ed25519", "instance_id",
                      "hostname", "fqdn"}},
            {"tries", 10}}},
          {"bootcmd", json::array({std::string{mount_script()}})},
          {"runcmd", json::array({{"python3", "-c", std::string{ip_report_script()}, v}})}};
}

json expected_network_config(const std::string& v) {
  json eth0 = {{"match", {{"macaddress", v}}},
               {"set-name", "eth0"},
               {"dhcp4", false},
               {"addresses", {v + "/24"}},
               {"gateway4", v},
               {"nameservers", {{"addresses", {v}}}}};
  return {{"version", 2}, {"ethernets", {{"eth0", eth0}}}};
}

// Checks the three documents of config_with(value) against what `v` must read back as.
void expect_round_trip(const std::vector<std::string>& values, const std::vector<std::string>& vs) {
  std::vector<std::string> texts;
  for (const std::string& value : values) {
    for (const seed_file& file : nocloud_files(config_with(value))) texts.push_back(file.content);
  }
  const std::vector<json> parsed = testing::parse_yaml_all(texts);
  for (std::size_t i = 0; i < values.size(); ++i) {
    SCOPED_TRACE("value " + json(values[i]).dump(-1, ' ', true, json::error_handler_t::replace));
    EXPECT_EQ(parsed[3 * i], expected_user_data(vs[i]));
    EXPECT_EQ(parsed[3 * i + 1], (json{{"instance-id", vs[i]}, {"local-hostname", vs[i]}}));
    EXPECT_EQ(parsed[3 * i + 2], expected_network_config(vs[i]));
  }
}

TEST(hostile_values, read_back_as_exactly_the_same_strings_and_nothing_more) {
  expect_round_trip(hostile_values, hostile_values);
}

TEST(hostile_values, each_byte_of_invalid_utf8_reads_back_as_a_replacement_character) {
  const std::string r = "\xef\xbf\xbd";  // U+FFFD
  std::string high_bytes;
  std::string replaced;
  for (int byte = 0x80; byte <= 0xff; ++byte) {
    high_bytes += static_cast<char>(byte);  // never a valid sequence: each byte is replaced
    replaced += r;
  }
  expect_round_trip({high_bytes, "a\xc3(b", "\xff\xfe", "\xed\xa0\x80 surrogate", "cut \xe6\x97"},
                    {replaced, "a" + r + "(b", r + r, r + r + r + " surrogate", "cut " + r});
}

TEST(hostile_values, a_non_bmp_character_is_written_as_utf8_not_as_a_surrogate_pair) {
  // PyYAML would decode "\ud83d\ude00" into two lone surrogates that cloud-init cannot encode.
  const std::string text = user_data(config_with("\xf0\x9f\x98\x80"));
  EXPECT_EQ(text.find("\\ud83d"), std::string::npos);
  EXPECT_NE(text.find("\"\xf0\x9f\x98\x80\""), std::string::npos);
}

}  // namespace
}  // namespace kaso::bootstrap
