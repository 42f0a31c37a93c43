// Canned API answers for the network and instance tests: networks and instances as kaso-server
// sends them (see the API contract).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kaso::cli::testing {

inline nlohmann::json host_network() {
  return {{"id", 1},
          {"name", "default_host_network"},
          {"kind", "host-only"},
          {"cidr", "172.16.4.0/24"},
          {"dhcp_start", "172.16.4.10"},
          {"dhcp_end", "172.16.4.254"},
          {"gateway", "172.16.4.1"},
          {"nameserver", "172.16.4.1"},
          {"host_interface", ""},
          {"host_ip4", ""},
          {"bridge", ""},
          {"used_by", nlohmann::json::array({"vm1", "vm2"})},
          {"version", 1},
          {"created", "2026-11-25T10:00:00.000000Z"},
          {"modified", "2026-11-25T10:00:00.000000Z"}};
}

inline nlohmann::json bridged_network() {
  return {{"id", 3},
          {"name", "default_bridged_network"},
          {"kind", "bridged"},
          {"cidr", "192.168.0.0/24"},
          {"dhcp_start", ""},
          {"dhcp_end", ""},
          {"gateway", "192.168.0.1"},
          {"nameserver", "192.168.0.1"},
          {"host_interface", "en0"},
          {"host_ip4", "192.168.0.183"},
          {"bridge", "br0"},
          {"used_by", nlohmann::json::array({"web"})},
          {"version", 2},
          {"created", "2026-11-25T10:00:00.000000Z"},
          {"modified", "2026-11-25T10:05:00.000000Z"}};
}

inline const std::string host_key =
    "AAAAC3NzaC1lZDI1NTE5AAAAIHZtMWhvc3RrZXl2bTFob3N0a2V5dm0xaG9zdGtleXZt";

// An instance named `name` in its directory, running since it phoned home once.
inline nlohmann::json running_instance(int id, const std::string& name) {
  const std::string dir = "/home/u/var/kaso/instances/" + name;
  return {{"id", id},
          {"name", name},
          {"path", dir},
          {"image_id", 1},
          {"network_id", 1},
          {"identity_ids", nlohmann::json::array({1, 2})},
          {"vcpu", 2},
          {"ram", 2048},
          {"disk_size", 5368709120},
          {"display", "headless"},
          {"bootstrapper", "ci-disk"},
          {"static_ip4", ""},
          {"mac", "52:54:00:12:34:56"},
          {"ssh_port", 40022},
          {"state", "running"},
          {"pid", 1234},
          {"exit", nullptr},
          {"message", ""},
          {"autostart", true},
          {"restart", {{"policy", "on-failure"}, {"limit", 5}, {"window", 60}, {"backoff_ms", 1000},
                       {"backoff_max_ms", 30000}, {"restarts", 0}, {"due", nullptr}}},
          {"phone_home",
           {{"ip", "172.16.4.10"},
            {"hostname", name},
            {"host_keys", {{"ssh-ed25519", host_key}}},
            {"time", "2026-11-25T10:02:00.000000Z"}}},
          {"os_disk_path", dir + "/os.qcow2"},
          {"seed_path", dir + "/seed.img"},
          {"vm_script_path", dir + "/vm.sh"},
          {"qmp_socket", dir + "/qmp.sock"},
          {"console_socket", dir + "/console.sock"},
          {"vnc_socket", ""},
          {"log_path", dir + "/vm.log"},
          {"version", 3},
          {"created", "2026-11-25T10:00:00.000000Z"},
          {"modified", "2026-11-25T10:02:00.000000Z"}};
}

inline nlohmann::json running_vm1() { return running_instance(1, "vm1"); }

// vm2, stopped after qemu was killed; it never phoned home.
inline nlohmann::json stopped_vm2() {
  auto vm = running_instance(2, "vm2");
  vm["image_id"] = 2;
  vm["identity_ids"] = nlohmann::json::array({1});
  vm["static_ip4"] = "172.16.4.20";
  vm["ssh_port"] = nullptr;
  vm["state"] = "stopped";
  vm["pid"] = nullptr;
  vm["exit"] = {{"code", 0}, {"signal", 9}};
  vm["message"] = "qemu was killed by signal 9";
  vm["phone_home"] = nullptr;
  return vm;
}

}  // namespace kaso::cli::testing
