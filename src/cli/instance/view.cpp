// The instance table and get view.
#include "cli/instance/view.hpp"

#include <cstdint>

#include "cli/output.hpp"

namespace kaso::cli::instance {

std::optional<domain::instance_state> state_of(const nlohmann::json& instance) {
  return domain::parse_instance_state(text_of(instance, "state"));
}

std::string pending_text(const nlohmann::json& instance) {
  auto it = instance.is_object() ? instance.find("pending") : instance.end();
  if (it == instance.end() || !it->is_object()) return "";
  std::string text;
  auto add = [&](const char* key, const std::string& shown) {
    if (it->contains(key)) text += (text.empty() ? "" : ", ") + shown;
  };
  add("vcpu", "vcpu " + text_of(*it, "vcpu"));
  add("ram", "ram " + text_of(*it, "ram") + " MB");
  add("display", "display " + text_of(*it, "display"));
  return text;
}

namespace {

const nlohmann::json& member(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json null;
  if (!object.is_object()) return null;
  auto it = object.find(key);
  return it == object.end() ? null : *it;
}

// "5.0 GiB (5368709120 bytes)" for a byte count; the field as it is when it is not one.
std::string size_text(const nlohmann::json& instance, std::string_view key) {
  const auto& size = member(instance, key);
  if (!size.is_number_unsigned()) return text_of(instance, key);
  return human_size(size.get<std::uint64_t>()) + " (" + size.dump() + " bytes)";
}

// A pid of 0 means none, as null does.
std::string pid_text(const nlohmann::json& instance) {
  const auto& pid = member(instance, "pid");
  if (pid.is_number_integer() && pid.get<std::int64_t>() == 0) return {};
  return text_of(instance, "pid");
}

// "1, 2" from [1, 2].
std::string list_text(const nlohmann::json& values) {
  if (!values.is_array()) return values.is_null() ? std::string() : values.dump();
  std::string text;
  for (const auto& v : values) {
    text += (text.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return text;
}

// One "type key" line per host key the instance reported when it phoned home.
std::string host_keys_text(const nlohmann::json& phone_home) {
  const auto& keys = member(phone_home, "host_keys");
  if (!keys.is_object()) return text_of(phone_home, "host_keys");
  std::string text;
  for (const auto& [type, key] : keys.items()) {
    text += (text.empty() ? "" : "\n") + type + " " + (key.is_string() ? key.get<std::string>()
                                                                          : key.dump());
  }
  return text;
}

// "yes (after 29.6 s)" once this boot answered SSH; "no (kernel)" while it boots; "" otherwise.
std::string ready_text(const nlohmann::json& instance) {
  if (instance.value("ready", false)) return "yes (after " + text_of(instance, "ready_after_s") + " s)";
  if (state_of(instance) != domain::instance_state::running) return "";
  auto stage = text_of(instance, "boot_stage");
  return stage.empty() ? "no" : "no (" + stage + ")";
}

}  // namespace

std::string ssh_forward_text(const nlohmann::json& instance) {
  const auto& port = member(instance, "ssh_port");
  if (!port.is_number_integer() || port.get<std::int64_t>() <= 0) return {};
  return "127.0.0.1:" + port.dump();
}

std::string last_exit_text(const nlohmann::json& instance) {
  const auto& exit = member(instance, "exit");
  if (!exit.is_object()) return text_of(instance, "exit");
  const auto& signal = member(exit, "signal");
  if (signal.is_number_integer() && signal.get<std::int64_t>() != 0) {
    return "killed by signal " + signal.dump();
  }
  return "exit code " + text_of(exit, "code");
}

table list_table(const nlohmann::json& instances) {
  table t{{"ID", "Name", "State", "Ready", "Image ID", "Network ID", "SSH"}, {}, {}};
  if (!instances.is_array()) return t;
  for (const auto& i : instances) {
    t.rows.push_back({text_of(i, "id"), text_of(i, "name"), text_of(i, "state"), ready_text(i),
                      text_of(i, "image_id"), text_of(i, "network_id"), ssh_forward_text(i)});
  }
  return t;
}

// "on-failure, at most 5 in 60 s, backoff 1000-30000 ms".
std::string restart_text(const nlohmann::json& instance) {
  const auto& r = member(instance, "restart");
  if (!r.is_object()) return {};
  return text_of(r, "policy") + ", at most " + text_of(r, "limit") + " in " + text_of(r, "window") + " s, backoff " +
         text_of(r, "backoff_ms") + "-" + text_of(r, "backoff_max_ms") + " ms";
}


// "cloud-config, 120 bytes, /path/user-data.custom"; "" without the user's own cloud-init.
std::string user_data_text(const nlohmann::json& instance) {
  const auto& u = member(instance, "user_data");
  if (!u.is_object()) return "";
  return text_of(u, "kind") + ", " + text_of(u, "bytes") + " bytes, " + text_of(u, "path");
}

std::vector<field> fields_of(const nlohmann::json& instance) {
  const auto& phone_home = member(instance, "phone_home");
  const auto& restart = member(instance, "restart");
  return {
      {"Id", text_of(instance, "id")},
      {"Name", text_of(instance, "name")},
      {"State", text_of(instance, "state")},
      {"PID", pid_text(instance)},
      {"Last exit", last_exit_text(instance)},
      {"Message", text_of(instance, "message")},
      {"Ready", ready_text(instance)},
      {"Pending", pending_text(instance).empty() ? "" : pending_text(instance) + " (at the next start)"},
      {"Autostart", text_of(instance, "autostart")},
      {"Restart", restart_text(instance)},
      {"Restarts (recent)", text_of(restart, "restarts")},
      {"Restart due", text_of(restart, "due")},
      {"Path", text_of(instance, "path")},
      {"MAC", text_of(instance, "mac")},
      {"vCPUs", text_of(instance, "vcpu")},
      {"RAM (MB)", text_of(instance, "ram")},
      {"Display", text_of(instance, "display")},
      {"Bootstrapper", text_of(instance, "bootstrapper")},
      {"Image ID", text_of(instance, "image_id")},
      {"Network ID", text_of(instance, "network_id")},
      {"Identity IDs", list_text(member(instance, "identity_ids"))},
      {"Static IPv4", text_of(instance, "static_ip4")},
      {"SSH forward", ssh_forward_text(instance)},
      {"Port forwards", list_text(member(instance, "forwards"))},
      {"User data", user_data_text(instance)},
      {"OS Disk Path", text_of(instance, "os_disk_path")},
      {"OS Disk Size", size_text(instance, "disk_size")},
      {"Seed Path", text_of(instance, "seed_path")},
      {"VM Script Path", text_of(instance, "vm_script_path")},
      {"QMP Socket Path", text_of(instance, "qmp_socket")},
      {"Console Socket Path", text_of(instance, "console_socket")},
      {"VNC Socket Path", text_of(instance, "vnc_socket")},
      {"Log Path", text_of(instance, "log_path")},
      {"Console Log Path", text_of(instance, "console_log_path")},
      {"Phone home IP", text_of(phone_home, "ip")},
      {"Phone home hostname", text_of(phone_home, "hostname")},
      {"Phone home host keys", host_keys_text(phone_home)},
      {"Phone home time", text_of(phone_home, "time")},
      {"Version", text_of(instance, "version")},
      {"Created", text_of(instance, "created")},
      {"Modified", text_of(instance, "modified")},
  };
}

}  // namespace kaso::cli::instance
