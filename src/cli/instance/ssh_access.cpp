#include "cli/instance/ssh_access.hpp"

#include <sys/stat.h>

#include <fstream>

#include "cli/output.hpp"

namespace kaso::cli::instance {
namespace fs = std::filesystem;
namespace {

constexpr const char* host = "127.0.0.1";

std::string alias_of(const ssh_target& t) { return "kaso-" + t.name; }

// The identity ids of the instance, in order, as the API lists them.
std::vector<std::uint64_t> identity_ids_of(const nlohmann::json& instance) {
  std::vector<std::uint64_t> out;
  auto it = instance.find("identity_ids");
  if (it == instance.end() || !it->is_array()) return out;
  for (const auto& id : *it) {
    if (id.is_number_integer() && id.get<std::int64_t>() > 0) out.push_back(id.get<std::uint64_t>());
  }
  return out;
}

std::string login_user(const nlohmann::json& instance, const nlohmann::json& identities) {
  for (auto id : identity_ids_of(instance)) {
    if (!identities.is_array()) break;
    for (const auto& i : identities) {
      if (text_of(i, "id") == std::to_string(id) && !text_of(i, "public_key").empty()) return text_of(i, "name");
    }
  }
  return "";
}

}  // namespace

result<ssh_target> ssh_target_of(const nlohmann::json& instance, const nlohmann::json& identities,
                                 const std::optional<std::string>& user) {
  ssh_target t;
  t.name = text_of(instance, "name");
  t.port = static_cast<std::uint16_t>(instance.value("ssh_port", 0));
  if (t.port == 0) {
    return error::conflict("instance " + t.name + " has no SSH port forwarded to 127.0.0.1 (its network reaches the "
                           "guest directly: ssh to its address)");
  }
  auto home = instance.find("phone_home");
  if (home != instance.end() && home->is_object() && home->contains("host_keys") && (*home)["host_keys"].is_object()) {
    for (const auto& [type, key] : (*home)["host_keys"].items()) {
      if (key.is_string() && !key.get<std::string>().empty()) t.host_keys[type] = key.get<std::string>();
    }
  }
  if (t.host_keys.empty()) {
    return error::conflict("no SSH host key is known for instance " + t.name +
                           ": its guest has not phoned home (only the ci and ci-disk bootstrappers do), so kaso "
                           "cannot check whom it talks to; check the key on its console (kaso instance console " +
                           t.name + ") and use ssh -p " + std::to_string(t.port) + " USER@127.0.0.1");
  }
  t.user = user.value_or(login_user(instance, identities));
  if (t.user.empty()) {
    return error::conflict("instance " + t.name + " has no identity with an SSH key to log in as: give --user");
  }
  return t;
}

status write_known_hosts(const fs::path& file, const ssh_target& t) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) return error::io_error("cannot make " + file.parent_path().string() + ": " + ec.message());
  fs::permissions(file.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
  auto temp = file.string() + ".new";
  {
    std::ofstream out(temp, std::ios::trunc);
    for (const auto& [type, key] : t.host_keys) out << alias_of(t) << ' ' << type << ' ' << key << '\n';
    if (!out.flush()) return error::io_error("cannot write " + temp);
  }
  ::chmod(temp.c_str(), 0600);
  fs::rename(temp, file, ec);
  if (ec) return error::io_error("cannot write " + file.string() + ": " + ec.message());
  return ok_status();
}

std::vector<std::string> ssh_options(const ssh_target& t, const fs::path& known_hosts,
                                     const std::optional<std::string>& identity_file) {
  std::vector<std::string> o = {"-F", "/dev/null",
                                "-o", "StrictHostKeyChecking=yes",
                                "-o", "UserKnownHostsFile=" + known_hosts.string(),
                                "-o", "GlobalKnownHostsFile=/dev/null",
                                "-o", "HostKeyAlias=" + alias_of(t),
                                "-o", "LogLevel=ERROR"};
  if (identity_file) o.insert(o.end(), {"-i", *identity_file, "-o", "IdentitiesOnly=yes"});
  return o;
}

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> ssh_argv(const ssh_target& t, const fs::path& known_hosts,
                                  const std::optional<std::string>& identity_file,
                                  const std::vector<std::string>& command) {
  std::vector<std::string> argv = {"ssh"};
  auto o = ssh_options(t, known_hosts, identity_file);
  argv.insert(argv.end(), o.begin(), o.end());
  argv.insert(argv.end(), {"-p", std::to_string(t.port), t.user + "@" + host});
  if (command.empty()) return argv;
  std::string remote;
  for (const auto& w : command) remote += (remote.empty() ? "" : " ") + shell_quote(w);
  argv.insert(argv.end(), {"--", remote});
  return argv;
}

copy_end parse_copy_end(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || text.substr(0, colon).find('/') != std::string::npos) {
    return {std::nullopt, text};
  }
  return {text.substr(0, colon), text.substr(colon + 1)};
}

std::vector<std::string> scp_argv(const ssh_target& t, const fs::path& known_hosts,
                                  const std::optional<std::string>& identity_file, bool recursive,
                                  const copy_end& from, const copy_end& to) {
  std::vector<std::string> argv = {"scp"};
  auto o = ssh_options(t, known_hosts, identity_file);
  argv.insert(argv.end(), o.begin(), o.end());
  argv.insert(argv.end(), {"-P", std::to_string(t.port)});
  if (recursive) argv.push_back("-r");
  auto side = [&](const copy_end& e) { return e.instance ? t.user + "@" + host + ":" + e.path : e.path; };
  argv.insert(argv.end(), {"--", side(from), side(to)});
  return argv;
}

}  // namespace kaso::cli::instance
