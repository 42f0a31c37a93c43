#include "config/config.hpp"

#include <algorithm>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <unistd.h>

namespace kaso {
namespace {

// One table drives parsing and serialization, so a key cannot be read but not written.
template <class Fn>
void for_each_key(config& c, Fn&& fn) {
  fn("path", c.path);
  fn("default_os_disk_size", c.default_os_disk_size);
  fn("default_phone_home_port", c.default_phone_home_port);
  fn("default_server_host", c.default_server_host);
  fn("default_server_port", c.default_server_port);
  fn("default_host_network_dhcp4_start", c.default_host_network_dhcp4_start);
  fn("default_host_network_dhcp4_end", c.default_host_network_dhcp4_end);
  fn("default_host_network_cidr", c.default_host_network_cidr);
  fn("default_shared_network_dhcp4_start", c.default_shared_network_dhcp4_start);
  fn("default_shared_network_dhcp4_end", c.default_shared_network_dhcp4_end);
  fn("default_shared_network_cidr", c.default_shared_network_cidr);
  fn("tcp_listener", c.tcp_listener);
  fn("tcp_allow_non_loopback", c.tcp_allow_non_loopback);
  fn("socket_group", c.socket_group);
  fn("log_level", c.log_level);
  fn("catalogue_file", c.catalogue_file);
  fn("accelerator", c.accelerator);
}

std::filesystem::path expand_home(const std::string& p) {
  if (p == "~") return owning_user_home();
  if (p.rfind("~/", 0) == 0) return owning_user_home() / p.substr(2);
  return p;
}

status read_value(const nlohmann::json& v, std::filesystem::path& out) {
  if (!v.is_string()) return error::invalid_argument("must be a string");
  out = expand_home(v.get<std::string>());
  return ok_status();
}
status read_value(const nlohmann::json& v, std::string& out) {
  if (!v.is_string()) return error::invalid_argument("must be a string");
  out = v.get<std::string>();
  return ok_status();
}
status read_value(const nlohmann::json& v, std::uint16_t& out) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 65535) {
    return error::invalid_argument("must be a port number (1-65535)");
  }
  out = static_cast<std::uint16_t>(v.get<std::int64_t>());
  return ok_status();
}
status read_value(const nlohmann::json& v, bool& out) {
  if (!v.is_boolean()) return error::invalid_argument("must be true or false");
  out = v.get<bool>();
  return ok_status();
}

}  // namespace

std::filesystem::path owning_user_home() {
  const char* sudo_user = getuid() == 0 ? std::getenv("SUDO_USER") : nullptr;
  if (sudo_user != nullptr && *sudo_user != '\0') {
    if (const passwd* pw = getpwnam(sudo_user); pw != nullptr && pw->pw_dir != nullptr) {
      return pw->pw_dir;
    }
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
  if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return pw->pw_dir;
  }
  return "/";
}

std::filesystem::path default_config_file() { return owning_user_home() / ".kaso"; }

nlohmann::json config::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  auto copy = *this;
  for_each_key(copy, [&](const char* key, auto& value) {
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::filesystem::path>) {
      j[key] = value.string();
    } else {
      j[key] = value;
    }
  });
  return j;
}

result<loaded_config> parse_config(std::string_view text, const std::filesystem::path& file) {
  loaded_config out;
  out.file = file;
  out.config.path = owning_user_home() / "var" / "kaso";
  out.config.token_path = file.parent_path() / ".kaso.token";
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return error::invalid_argument("configuration " + file.string() + " is not a JSON object");
  }
  std::optional<error> failure;
  for_each_key(out.config, [&](const char* key, auto& value) {
    if (failure || !j.contains(key)) return;
    auto s = read_value(j.at(key), value);
    if (!s.ok()) {
      failure = error::invalid_argument("configuration " + file.string() + ": '" + key + "' " +
                                        s.error().message());
    }
  });
  if (failure) return *failure;
  std::vector<std::string> known;
  for_each_key(out.config, [&](const char* key, auto&) { known.emplace_back(key); });
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      out.warnings.push_back("unknown configuration key '" + key + "' in " + file.string());
    }
  }
  return out;
}

result<loaded_config> load_config(const std::filesystem::path& file) {
  auto path = file.empty() ? default_config_file() : file;
  std::ifstream in(path);
  if (!in) {
    if (!file.empty() && std::filesystem::exists(path)) {
      return error::invalid_argument("cannot read configuration " + path.string());
    }
    if (!file.empty()) {
      return error::invalid_argument("configuration file " + path.string() + " does not exist");
    }
    return parse_config("", path);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_config(buffer.str(), path);
}

}  // namespace kaso
