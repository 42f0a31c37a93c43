// The API's view of an instance (to_json), its files (files_of) and what waits for its next start
// (pending_changes): pure functions of the read model, split from instance.cpp (definition,
// deciders, fold). Any thread.
#include "domain/instance.hpp"

#include "events/codec.hpp"

namespace kaso::domain {

instance_files files_of(const std::string& dir) {
  return {dir,
          dir + "/os.qcow2",
          dir + "/seed.iso",
          dir + "/cloud-init",
          dir + "/config.ign",
          dir + "/vm.sh",
          dir + "/qmp.sock",
          dir + "/console.sock",
          dir + "/vnc.sock",
          dir + "/guest.sock",
          dir + "/qemu.log",
          dir + "/console.log",
          dir + "/user-data.custom"};
}

namespace {
// The file the guest's configuration is in, when it is one file.
std::string seed_path(bootstrapper b, const instance_files& f) {
  switch (traits(b).seed) {
    case seed_kind::disk: return f.seed_iso;
    case seed_kind::fw_cfg: return f.ignition;
    default: return "";
  }
}

nlohmann::json mounts_json(const std::vector<guest_mount>& mounts) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : mounts) out.push_back(to_string(m));
  return out;
}
nlohmann::json forwards_json(const std::vector<port_forward>& forwards) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : forwards) out.push_back(to_string(f));
  return out;
}
}  // namespace

nlohmann::json pending_changes(const instance& i) {
  nlohmann::json out = nlohmann::json::object();
  if (!active(i.state) || i.booted_vcpu == 0) return out;
  if (i.vcpu != i.booted_vcpu) out["vcpu"] = i.vcpu;
  if (i.ram_mb != i.booted_ram_mb) out["ram"] = i.ram_mb;
  if (i.display != i.booted_display) out["display"] = i.display;
  return out;
}

nlohmann::json to_json(const instance& i) {
  auto f = files_of(i.path);
  nlohmann::json exit = nullptr;
  if (i.last_exit) exit = {{"code", i.last_exit->first}, {"signal", i.last_exit->second}};
  nlohmann::json home = nullptr;
  if (i.phone_home) {
    nlohmann::json keys = nlohmann::json::object();
    for (const auto& [k, v] : i.phone_home->host_keys) keys[k] = v;
    home = {{"ip", i.phone_home->ip},
            {"hostname", i.phone_home->hostname},
            {"host_keys", keys},
            {"time", i.phone_home->time_us != 0 ? nlohmann::json(events::format_time(i.phone_home->time_us)) : nlohmann::json()}};
  }
  return {{"id", i.id},
          {"name", i.name},
          {"path", i.path},
          {"image_id", i.image_id},
          {"network_id", i.network_id},
          {"identity_ids", i.identity_ids},
          {"vcpu", i.vcpu},
          {"ram", i.ram_mb},
          {"disk_size", i.disk_size},
          {"display", i.display},
          {"bootstrapper", to_string(i.bootstrapper)},
          {"static_ip4", i.static_ip4},
          {"mac", i.mac},
          {"ssh_port", i.ssh_port},
          {"autostart", i.autostart},
          {"forwards", forwards_json(i.forwards)},
          {"mounts", mounts_json(i.mounts)},
          {"user_data", i.user_data_kind.empty() ? nlohmann::json()
                                                 : nlohmann::json{{"kind", i.user_data_kind},
                                                                  {"bytes", i.user_data_bytes},
                                                                  {"path", f.user_data}}},
          {"restart", {{"policy", to_string(i.restart.mode)},
                       {"limit", i.restart.max_restarts},
                       {"window", i.restart.window_s},
                       {"backoff_ms", i.restart.backoff_ms},
                       {"backoff_max_ms", i.restart.backoff_max_ms},
                       {"restarts", i.restart_times_us.size()},
                       {"due", i.restart_due_us != 0 && i.state == instance_state::restarting
                                   ? nlohmann::json(events::format_time(i.restart_due_us))
                                   : nlohmann::json()}}},
          {"state", to_string(i.state)},
          {"pid", i.pid},
          {"exit", exit},
          {"message", i.message},
          {"phone_home", home},
          {"ready", i.state == instance_state::running && i.ready_us != 0},
          {"ready_time", i.ready_us != 0 ? nlohmann::json(events::format_time(i.ready_us)) : nlohmann::json()},
          {"ready_after_s", i.ready_us != 0 ? nlohmann::json(static_cast<double>(i.ready_after_ms) / 1000.0)
                                            : nlohmann::json()},
          {"boot_stage", nullptr},
          {"pending", pending_changes(i)},
          {"os_disk_path", f.os_disk},
          {"seed_path", seed_path(i.bootstrapper, f)},
          {"vm_script_path", f.vm_script},
          {"qmp_socket", f.qmp_socket},
          {"console_socket", f.console_socket},
          {"vnc_socket", i.display == "vnc" ? f.vnc_socket : ""},
          {"log_path", f.log},
          {"console_log_path", f.console_log},
          {"version", i.version},
          {"created", events::format_time(i.created_us)},
          {"modified", events::format_time(i.modified_us)}};
}

}  // namespace kaso::domain
