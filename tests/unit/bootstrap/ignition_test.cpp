// The Ignition config read back with nlohmann: the spec version, the users, and the hostname
// file whose data URL decodes back to the exact name.
#include "bootstrap/ignition.hpp"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

namespace kaso::bootstrap {
namespace {

using nlohmann::json;

// RFC 2397 "data:," URL without a media type or base64: the percent-decoded rest.
std::string decode_data_url(const std::string& url) {
  EXPECT_EQ(url.rfind("data:,", 0), 0u) << url;
  std::string out;
  for (std::size_t i = 6; i < url.size(); ++i) {
    if (url[i] == '%' && i + 2 < url.size()) {
      out += static_cast<char>(std::stoi(url.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += url[i];
    }
  }
  return out;
}

json parse(const std::string& text) {
  auto parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << text;
  return parsed;
}

TEST(ignition_config, spec_3_4_0_with_users_and_hostname) {
  guest_config config;
  config.hostname = "web-1";
  config.users = {{"core", "", "", "", {"ssh-ed25519 AAAAC3Nza core@host", "ssh-rsa AAAAB3 x"}, ""},
                  {"bob", "Bob,,,", "/bin/zsh", "/srv/bob", {}, "$6$salt$hash"}};
  const json doc = parse(ignition_config(config));

  const json expected = {
      {"ignition", {{"version", "3.4.0"}}},
      {"passwd",
       {{"users",
         {{{"name", "core"},
           {"sshAuthorizedKeys",
            json::array({"ssh-ed25519 AAAAC3Nza core@host", "ssh-rsa AAAAB3 x"})}},
          {{"name", "bob"},
           {"passwordHash", "$6$salt$hash"},
           {"gecos", "Bob,,,"},
           {"homeDir", "/srv/bob"},
           {"shell", "/bin/zsh"}}}}}},
      {"storage",
       {{"files",
         json::array({{{"path", "/etc/hostname"},
                       {"mode", 420},
                       {"overwrite", true},
                       {"contents", {{"source", "data:,web-1"}}}}})}}}};
  EXPECT_EQ(doc, expected);
}

TEST(ignition_config, hostname_is_percent_encoded_in_the_data_url) {
  guest_config config;
  config.hostname = "a b/c%d#e?f,g\nh\"i\\j\xc3\xa4k~l.m_n-o";
  const json doc = parse(ignition_config(config));
  const std::string source = doc["storage"]["files"][0]["contents"]["source"];
  EXPECT_EQ(source, "data:,a%20b%2Fc%25d%23e%3Ff%2Cg%0Ah%22i%5Cj%C3%A4k~l.m_n-o");
  EXPECT_EQ(decode_data_url(source), config.hostname);
}

TEST(ignition_config, hostile_user_values_stay_strings) {
  const std::string hostile = "\"}, \"x\": {\n\\" + std::string(1, '\0') + "\xc3\xa4";
  guest_config config;
  config.users = {{"alice", hostile, hostile, hostile, {hostile}, hostile}};
  const json doc = parse(ignition_config(config));
  const json expected_user = {{"name", "alice"},
                              {"sshAuthorizedKeys", json::array({hostile})},
                              {"passwordHash", hostile},
                              {"gecos", hostile},
                              {"homeDir", hostile},
                              {"shell", hostile}};
  EXPECT_EQ(doc["passwd"]["users"], json::array({expected_user}));
}

}  // namespace
}  // namespace kaso::bootstrap
