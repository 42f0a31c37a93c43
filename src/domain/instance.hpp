// Instances: virtual machines, each an overlay disk on an image, attached to one network, with the
// identities allowed in. This file holds the read model, the commands, the pure deciders and the
// pure fold, as for identities (identity.hpp). The instance manager actor resolves references
// (image, identities), picks the id, MAC and SSH port, does the file and process I/O, and asks
// these deciders before anything is written or started.
//
// Networks and instances are decided together (`machines`): a static address, a network's
// removal and an instance's creation must see each other.
//
// Events (frozen type strings, schema 1, kind "instance"; see doc/event-log.md; as structs in
// event_types/instance.hpp):
//   instance.created      {name, path, image_id, network_id, identity_ids, vcpu, ram, disk_size,
//                          display, bootstrapper, static_ip4, mac, ssh_port, autostart,
//                          restart, restart_limit, restart_window, restart_backoff_ms,
//                          restart_backoff_max_ms, user_data{kind, bytes}?,
//                          mounts[{host_path, guest_path, readonly}]?}
//                                                    (restart's six: absent in older logs;
//                                                    user_data: the user's own cloud-init)
//   instance.modified     {any of: name, vcpu, ram, display, autostart, restart, restart_limit,
//                          restart_window, restart_backoff_ms, restart_backoff_max_ms}
//   instance.starting     {restart_attempt?}         restart_attempt: an automatic restart
//   instance.started      {pid, start_time}          start_time: /proc start time, for re-adoption
//   instance.restarted    {pid, start_time, attempt} an automatic restart is running
//   instance.start_failed {message}
//   instance.stopping     {force, timeout}
//   instance.stopped      {exit_code, signal, ended_by}  ended_by: powerdown|quit|kill|guest
//   instance.crashed      {exit_code, signal, reason}    reason: absent in older logs
//   instance.restart_scheduled {delay_ms, attempt}
//   instance.restart_cancelled {}                    a user stopped it while a restart was due
//   instance.gave_up      {reason}                   past the restart limit: failed
//   instance.phoned_home  {hostname, host_keys{type: base64}, ip}
//   instance.ip_reported  {ip}
//   instance.ready        {after_ms}                 sshd answered on the instance's SSH endpoint,
//                                                    after_ms after this boot's instance.starting
//   instance.forward_added   {proto, address, host_port, guest_port}   (port_forward.hpp)
//   instance.forward_removed {proto, address, host_port, guest_port}
//   instance.mount_added     {host_path, guest_path, readonly}   the cause's uid is whose rights
//   instance.mount_removed   {guest_path}                        checked it (guest_mount.hpp)
//   instance.removed      {name}
//
// Lifecycle (every change is one of the events above; "policy" is the restart policy's decision,
// see restart_policy.hpp: restart_scheduled, gave_up or nothing more):
//   state       start        stop               qemu ends on its own                  remove
//   created     starting     -                  -                                     removed
//   starting    conflict     conflict           start_failed (+ policy if a restart)  conflict
//   running     conflict     stopping           guest poweroff: stopped (+ policy,    conflict (force:
//                                               which restarts only under always);    stop first)
//                                               else crashed + policy
//   stopping    conflict     conflict           stopped                               conflict
//   stopped     starting     no-op              -                                     removed
//   crashed     starting     no-op              -                                     removed
//   restarting  starting     restart_cancelled  (when due: starting {restart_attempt})  removed
//   failed      starting     no-op              -                                     removed
// A user's start forgets the restart history; an automatic restart's start that succeeds is
// `restarted`, not `started`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/bootstrapper.hpp"
#include "domain/image.hpp"
#include "domain/instance_state.hpp"
#include "domain/network.hpp"
#include "domain/guest_mount.hpp"
#include "domain/port_forward.hpp"
#include "domain/restart_policy.hpp"
#include "events/event.hpp"
#include "util/error.hpp"

namespace kaso::domain {

struct phone_home_report {
  std::string hostname;
  std::map<std::string, std::string> host_keys;  // "ssh-ed25519" -> "AAAA..."
  std::string ip;
  std::int64_t time_us = 0;
  friend bool operator==(const phone_home_report&, const phone_home_report&) = default;
};

// Where an instance is in its lifecycle: instance_state.hpp (its words are the API's view only).
std::string_view to_string(instance_state s);

struct instance {
  std::uint64_t id = 0;
  std::string name;
  std::string path;  // the instance directory; every file of the instance is inside it
  std::uint64_t image_id = 0, network_id = 0;
  std::vector<std::uint64_t> identity_ids;
  unsigned vcpu = 1;
  std::uint64_t ram_mb = 1024;
  std::uint64_t disk_size = 0;  // bytes
  std::string display = "headless";      // headless, vnc, gui
  domain::bootstrapper bootstrapper = domain::bootstrapper::ci_disk;
  std::string static_ip4;
  std::string mac;
  std::uint16_t ssh_port = 0;  // 127.0.0.1 port forwarded to the guest's 22 (user networks); 0: none
  std::string user_data_kind;       // the user's own cloud-init: "cloud-config", "script"; "": none
  std::uint64_t user_data_bytes = 0;
  std::vector<port_forward> forwards;  // besides the SSH one, in the order added
  std::vector<guest_mount> mounts;     // host directories shared with the guest, mount_tag(index)
  bool autostart = false;      // started when the server starts
  domain::restart_policy restart;
  instance_state state = instance_state::created;
  std::int64_t pid = 0;
  std::uint64_t start_time = 0;
  std::optional<std::pair<int, int>> last_exit;  // exit code, signal
  std::string message;                            // why the last start failed or the instance crashed
  std::optional<phone_home_report> phone_home;
  std::vector<std::int64_t> restart_times_us;  // when recent automatic restarts were scheduled, oldest first
  unsigned restart_attempt = 0;                // of the automatic restart scheduled or running; 0: none
  std::int64_t restart_due_us = 0;             // state "restarting": when the restart is due
  std::int64_t boot_started_us = 0;            // this boot's instance.starting
  std::int64_t ready_us = 0;                   // this boot's instance.ready; 0: not ready (yet)
  std::uint64_t ready_after_ms = 0;            // from boot_started_us to ready_us
  // What this boot's qemu was started with (at its instance.starting): a change made since, while
  // qemu runs, is pending until the next start (issue #16). 0 / "": not started yet.
  unsigned booted_vcpu = 0;
  std::uint64_t booted_ram_mb = 0;
  std::string booted_display;
  std::uint64_t version = 0;
  std::int64_t created_us = 0, modified_us = 0;
  friend bool operator==(const instance&, const instance&) = default;
};

struct instances {
  std::map<std::uint64_t, instance> by_id;
  std::unordered_map<std::string, std::uint64_t> id_by_name;
  std::uint64_t next_id = 1;  // never reused
  friend bool operator==(const instances&, const instances&) = default;

  const instance* find(std::uint64_t id) const;
  const instance* resolve(std::string_view ref) const;  // a name, else a numeric id
};

// The read model the instance manager decides against.
struct machines {
  domain::networks networks;
  domain::instances instances;
  friend bool operator==(const machines&, const machines&) = default;
};

// What the decider needs to know of the image (the image manager owns images).
struct image_facts {
  std::uint64_t id = 0;
  std::string name, path, format;
  std::uint64_t virtual_size = 0;
  image_minimums minimums;
};

struct host_limits {
  unsigned cpus = 1;
  std::uint64_t ram_mb = 0;
};

struct create_instance {
  // Chosen by the manager when the creation begins: above every appended and pending id, so never
  // a removed instance's. Creations end in any order (provisioning takes its own time): an id
  // below next_id is fine as long as no instance has it (issue #15: 30 parallel creates failed
  // with "instance id taken" when a later one finished first).
  std::uint64_t id = 0;
  std::string name;
  std::string path;
  unsigned vcpu = 1;
  std::uint64_t ram_mb = 1024;
  std::uint64_t disk_size = 0;
  std::string display = "headless";
  domain::bootstrapper bootstrapper = domain::bootstrapper::ci_disk;
  std::string static_ip4;
  std::string network_ref;
  std::vector<std::uint64_t> identity_ids;
  // None on purpose: else an instance whose guest kaso configures (cloud-init) and whose user
  // gives no cloud-init of their own needs an identity, or nobody could log in (issue #16).
  bool no_identity = false;
  std::string mac;
  std::uint16_t ssh_port = 0;
  std::string user_data_kind;  // checked by the caller (bootstrap/user_data.hpp); "": none
  std::uint64_t user_data_bytes = 0;
  std::vector<port_forward> forwards;
  std::vector<guest_mount> mounts;  // host directories checked by the caller (the API)
  bool autostart = false;
  domain::restart_policy restart;
  image_facts image;
  host_limits host;
};

struct instance_changes {
  std::optional<std::string> name, display;
  std::optional<unsigned> vcpu;
  std::optional<std::uint64_t> ram_mb;
  std::optional<bool> autostart;
  std::optional<restart_mode> restart;
  std::optional<unsigned> restart_limit, restart_window;
  std::optional<std::uint64_t> restart_backoff_ms, restart_backoff_max_ms;
};
struct modify_instance {
  std::string ref;
  instance_changes changes;
  host_limits host;
};
struct remove_instance {
  std::string ref;
};

// Lifecycle commands. `ref` is resolved by the manager first; the deciders check the state.
struct start_instance {
  std::string ref;
};
struct mark_started {
  std::uint64_t id = 0;
  std::int64_t pid = 0;
  std::uint64_t start_time = 0;
};
struct mark_start_failed {
  std::uint64_t id = 0;
  std::string message;
  std::int64_t now_us = 0;  // for the restart policy, when this was an automatic restart
};
struct stop_instance {
  std::string ref;
  bool force = false;
  unsigned timeout_s = 60;
};
// qemu ended: after a stop (`requested`) or on its own.
struct mark_exited {
  std::uint64_t id = 0;
  int exit_code = -1;  // -1 with signal 0: unknown (not our child, or vanished)
  int signal = 0;
  std::string ended_by;  // powerdown, quit, kill; "guest" or "" when on its own
  bool requested = false;
  std::string shutdown_reason;  // of qemu's last QMP SHUTDOWN event ("guest-shutdown", "host-signal", ...); "": none seen
  std::string detail;           // how it was noticed, when not by its exit ("vanished while the server was down")
  std::int64_t now_us = 0;      // for the restart policy
};
// A scheduled automatic restart is due (the manager's timer). Stale (a no-op) unless the instance
// is still `restarting` with this attempt.
struct begin_restart {
  std::uint64_t id = 0;
  unsigned attempt = 0;
};
struct record_phone_home {
  std::uint64_t id = 0;
  phone_home_report report;
};
struct record_ip_report {
  std::uint64_t id = 0;
  std::string ip;
};
// The boot watcher heard sshd answer (guest/boot_watcher.hpp). Recorded once per boot, and only
// while the instance runs.
struct record_ready {
  std::uint64_t id = 0;
  std::int64_t now_us = 0;
};

result<std::vector<events::event>> decide(const machines& s, const create_instance& c);
result<std::vector<events::event>> decide(const machines& s, const modify_instance& c);
result<std::vector<events::event>> decide(const machines& s, const remove_instance& c);
result<std::vector<events::event>> decide(const machines& s, const start_instance& c);
result<std::vector<events::event>> decide(const machines& s, const mark_started& c);
result<std::vector<events::event>> decide(const machines& s, const mark_start_failed& c);
result<std::vector<events::event>> decide(const machines& s, const stop_instance& c);
result<std::vector<events::event>> decide(const machines& s, const mark_exited& c);
result<std::vector<events::event>> decide(const machines& s, const begin_restart& c);
result<std::vector<events::event>> decide(const machines& s, const record_phone_home& c);
result<std::vector<events::event>> decide(const machines& s, const record_ip_report& c);
result<std::vector<events::event>> decide(const machines& s, const record_ready& c);
// Port forwards: conflicts with any instance's forwards and SSH port refused; only on instances
// with an SSH forward (user networks: elsewhere the guest is reached directly). The manager
// applies them to a running qemu before it records them.
struct add_forward {
  std::string ref;
  port_forward forward;
};
struct remove_forward {
  std::string ref;
  port_forward forward;  // matched by protocol, address and host port
};
result<std::vector<events::event>> decide(const machines& s, const add_forward& c);
result<std::vector<events::event>> decide(const machines& s, const remove_forward& c);
// The checks of add_forward for `f` on the instance `self_id` (0: one being created whose SSH
// port is `ssh_port`), against every instance and `earlier` (the same request's forwards).
status check_forward(const machines& s, std::uint64_t self_id, std::uint16_t ssh_port, const port_forward& f,
                     const std::vector<port_forward>& earlier);

// Shared directories (guest_mount.hpp), in any state: qemu cannot add or drop a 9p share while it
// runs, so a change reaches the guest at its next start (the API's answer says so). The host
// directory is checked by the caller (the API, with the asking user's rights) before.
struct add_mount {
  std::string ref;
  guest_mount mount;
};
struct remove_mount {
  std::string ref;
  std::string guest_path;
};
result<std::vector<events::event>> decide(const machines& s, const add_mount& c);
result<std::vector<events::event>> decide(const machines& s, const remove_mount& c);
// The checks every set of mounts passes: the bootstrapper mounts them (cloud-init), at most
// max_guest_mounts, one per guest directory.
status check_mounts(domain::bootstrapper b, const std::vector<guest_mount>& mounts);

// Network commands, decided against the instances too (see network.hpp).
result<std::vector<events::event>> decide(const machines& s, const create_network& c);
result<std::vector<events::event>> decide(const machines& s, const modify_network& c);
result<std::vector<events::event>> decide(const machines& s, const remove_network& c);
result<std::vector<events::event>> decide(const machines& s, const ensure_predefined_networks& c);

void evolve(instances& s, const events::event& e);
void evolve(machines& s, const events::event& e);

// The files of an instance, all inside its directory.
struct instance_files {
  std::string dir, os_disk, seed_iso, seed_dir, ignition, vm_script, qmp_socket, console_socket,
      vnc_socket, guest_socket, log, console_log, user_data;
};
instance_files files_of(const std::string& dir);

// The settings changed while qemu runs with the old ones, as they will be at the next start:
// {"vcpu": 2, "ram": 4096, "display": "vnc"}, only those that differ; empty when none (or when qemu
// does not run).
nlohmann::json pending_changes(const instance& i);

// The API's view (with "pending": pending_changes).
nlohmann::json to_json(const instance& i);

}  // namespace kaso::domain
