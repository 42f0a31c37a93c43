// The Ignition config: see ignition.hpp.
#include "bootstrap/ignition.hpp"

#include "crypto/base64.hpp"

#include <nlohmann/json.hpp>

namespace kaso::bootstrap {
namespace {

using json = nlohmann::ordered_json;

// RFC 3986 percent-encoding of every byte but the unreserved characters: the data URL then holds
// exactly `text`, whatever bytes it has.
std::string percent_encode(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0x0F];
    }
  }
  return out;
}

json user_entry(const guest_user& user) {
  json entry = {{"name", user.name}};
  if (!user.ssh_authorized_keys.empty()) entry["sshAuthorizedKeys"] = user.ssh_authorized_keys;
  if (!user.password_hash.empty()) entry["passwordHash"] = user.password_hash;
  if (!user.gecos.empty()) entry["gecos"] = user.gecos;
  if (!user.homedir.empty()) entry["homeDir"] = user.homedir;
  if (!user.shell.empty()) entry["shell"] = user.shell;
  return entry;
}

json hostname_file(const std::string& hostname) {
  return {{"path", "/etc/hostname"},
          {"mode", 0644},  // 420: JSON has no octal
          {"overwrite", true},
          {"contents", {{"source", "data:," + percent_encode(hostname)}}}};
}

}  // namespace

std::string ignition_config(const guest_config& config) {
  json users = json::array();
  for (const guest_user& user : config.users) users.push_back(user_entry(user));
  json doc = {{"ignition", {{"version", "3.4.0"}}},
              {"passwd", {{"users", std::move(users)}}},
              {"storage", {{"files", json::array({hostname_file(config.hostname)})}}}};
  // The user's own config is merged by Ignition itself, over kaso's (user_data.hpp).
  if (!config.user_user_data.empty()) {
    doc["ignition"]["config"]["merge"] =
        json::array({{{"source", "data:;base64," + crypto::base64_encode(config.user_user_data)}}});
  }
  return doc.dump(2, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace kaso::bootstrap
