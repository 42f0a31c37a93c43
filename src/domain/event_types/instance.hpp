// The events of instances (doc/event-log.md and the table in domain/instance.hpp; the deciders
// and folds are in domain/instance*.cpp): one struct per frozen type string, its schema and its
// member list (codec.hpp encodes and decodes from it). Value types; any thread.
//
// A member's default is what the fold had before it read the member (a new instance's, the
// restart policy's), so that a log lacking it (older, or sparse) folds as it always did. Where the
// fold keeps the instance's current value when a member is missing, the member is optional.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "domain/event_types/codec.hpp"
#include "domain/guest_mount.hpp"
#include "domain/restart_policy.hpp"

namespace kaso::domain {

// A mount as instance.created nests it (uid is the event's cause, not a member).
constexpr auto fields(std::type_identity<guest_mount>) {
  using S = guest_mount;
  return std::tuple{field{"host_path", &S::host_path}, field{"guest_path", &S::guest_path},
                    field{"readonly", &S::readonly}};
}

// The user's own cloud-init: its kind ("cloud-config", "script", "ignition") and size.
struct user_data_payload {
  std::string kind;
  std::uint64_t bytes = 0;
  static constexpr auto fields() {
    return std::tuple{field{"kind", &user_data_payload::kind}, field{"bytes", &user_data_payload::bytes}};
  }
  friend bool operator==(const user_data_payload&, const user_data_payload&) = default;
};

struct instance_created {
  static constexpr std::string_view type = "instance.created";
  static constexpr std::uint32_t schema = 1;
  std::string name, path;
  std::uint64_t image_id = 0, network_id = 0;
  std::vector<std::uint64_t> identity_ids;
  unsigned vcpu = 1;
  std::uint64_t ram = 1024;  // MB
  std::uint64_t disk_size = 0;
  std::string display = "headless";
  std::string bootstrapper;  // bootstrapper.hpp's name; "" (older logs): the instance's default
  std::string static_ip4, mac;
  std::uint16_t ssh_port = 0;
  bool autostart = false;
  // The restart policy (absent in older logs: the policy's defaults).
  std::string restart;  // restart_policy.hpp's mode name; "": the default
  unsigned restart_limit = restart_policy{}.max_restarts;
  unsigned restart_window = restart_policy{}.window_s;
  std::uint64_t restart_backoff_ms = restart_policy{}.backoff_ms;
  std::uint64_t restart_backoff_max_ms = restart_policy{}.backoff_max_ms;
  std::optional<user_data_payload> user_data;     // only when the user gave their own
  std::optional<std::vector<guest_mount>> mounts;  // only when there are any
  static constexpr auto fields() {
    using S = instance_created;
    constexpr auto set = presence::when_set;
    return std::tuple{field{"name", &S::name},
                      field{"path", &S::path},
                      field{"image_id", &S::image_id},
                      field{"network_id", &S::network_id},
                      field{"identity_ids", &S::identity_ids},
                      field{"vcpu", &S::vcpu},
                      field{"ram", &S::ram},
                      field{"disk_size", &S::disk_size},
                      field{"display", &S::display},
                      field{"bootstrapper", &S::bootstrapper},
                      field{"static_ip4", &S::static_ip4},
                      field{"mac", &S::mac},
                      field{"ssh_port", &S::ssh_port},
                      field{"autostart", &S::autostart},
                      field{"restart", &S::restart},
                      field{"restart_limit", &S::restart_limit},
                      field{"restart_window", &S::restart_window},
                      field{"restart_backoff_ms", &S::restart_backoff_ms},
                      field{"restart_backoff_max_ms", &S::restart_backoff_max_ms},
                      field{"user_data", &S::user_data, set},
                      field{"mounts", &S::mounts, set}};
  }
  friend bool operator==(const instance_created&, const instance_created&) = default;
};

// Only what changed. The decider writes name, vcpu, ram, display, autostart and the restart
// policy's members; the folds have always read the rest of instance.created's members here too.
struct instance_modified {
  static constexpr std::string_view type = "instance.modified";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> name;
  std::optional<unsigned> vcpu;
  std::optional<std::uint64_t> ram;
  std::optional<std::string> display;
  std::optional<bool> autostart;
  std::optional<std::string> restart;
  std::optional<unsigned> restart_limit, restart_window;
  std::optional<std::uint64_t> restart_backoff_ms, restart_backoff_max_ms;
  std::optional<std::string> path;
  std::optional<std::uint64_t> image_id, network_id;
  std::optional<std::vector<std::uint64_t>> identity_ids;
  std::optional<std::uint64_t> disk_size;
  std::optional<std::string> bootstrapper, static_ip4, mac;
  std::optional<std::uint16_t> ssh_port;
  std::optional<user_data_payload> user_data;
  std::optional<std::vector<guest_mount>> mounts;
  static constexpr auto fields() {
    using S = instance_modified;
    constexpr auto set = presence::when_set;
    return std::tuple{field{"name", &S::name, set},
                      field{"vcpu", &S::vcpu, set},
                      field{"ram", &S::ram, set},
                      field{"display", &S::display, set},
                      field{"autostart", &S::autostart, set},
                      field{"restart", &S::restart, set},
                      field{"restart_limit", &S::restart_limit, set},
                      field{"restart_window", &S::restart_window, set},
                      field{"restart_backoff_ms", &S::restart_backoff_ms, set},
                      field{"restart_backoff_max_ms", &S::restart_backoff_max_ms, set},
                      field{"path", &S::path, set},
                      field{"image_id", &S::image_id, set},
                      field{"network_id", &S::network_id, set},
                      field{"identity_ids", &S::identity_ids, set},
                      field{"disk_size", &S::disk_size, set},
                      field{"bootstrapper", &S::bootstrapper, set},
                      field{"static_ip4", &S::static_ip4, set},
                      field{"mac", &S::mac, set},
                      field{"ssh_port", &S::ssh_port, set},
                      field{"user_data", &S::user_data, set},
                      field{"mounts", &S::mounts, set}};
  }
  friend bool operator==(const instance_modified&, const instance_modified&) = default;
};

struct instance_removed {
  static constexpr std::string_view type = "instance.removed";
  static constexpr std::uint32_t schema = 1;
  std::string name;
  static constexpr auto fields() { return std::tuple{field{"name", &instance_removed::name}}; }
  friend bool operator==(const instance_removed&, const instance_removed&) = default;
};

// A user's start ({}), or an automatic restart's ({restart_attempt}).
struct instance_starting {
  static constexpr std::string_view type = "instance.starting";
  static constexpr std::uint32_t schema = 1;
  std::optional<unsigned> restart_attempt;
  static constexpr auto fields() {
    return std::tuple{field{"restart_attempt", &instance_starting::restart_attempt, presence::when_set}};
  }
  friend bool operator==(const instance_starting&, const instance_starting&) = default;
};

struct instance_started {
  static constexpr std::string_view type = "instance.started";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::int64_t> pid;
  std::optional<std::uint64_t> start_time;  // /proc start time, for re-adoption
  static constexpr auto fields() {
    using S = instance_started;
    return std::tuple{field{"pid", &S::pid, presence::when_set}, field{"start_time", &S::start_time, presence::when_set}};
  }
  friend bool operator==(const instance_started&, const instance_started&) = default;
};

struct instance_restarted {
  static constexpr std::string_view type = "instance.restarted";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::int64_t> pid;
  std::optional<std::uint64_t> start_time;
  unsigned attempt = 0;
  static constexpr auto fields() {
    using S = instance_restarted;
    return std::tuple{field{"pid", &S::pid, presence::when_set}, field{"start_time", &S::start_time, presence::when_set},
                      field{"attempt", &S::attempt}};
  }
  friend bool operator==(const instance_restarted&, const instance_restarted&) = default;
};

struct instance_start_failed {
  static constexpr std::string_view type = "instance.start_failed";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> message;
  static constexpr auto fields() {
    return std::tuple{field{"message", &instance_start_failed::message, presence::when_set}};
  }
  friend bool operator==(const instance_start_failed&, const instance_start_failed&) = default;
};

struct instance_stopping {
  static constexpr std::string_view type = "instance.stopping";
  static constexpr std::uint32_t schema = 1;
  bool force = false;
  unsigned timeout = 0;  // seconds
  static constexpr auto fields() {
    return std::tuple{field{"force", &instance_stopping::force}, field{"timeout", &instance_stopping::timeout}};
  }
  friend bool operator==(const instance_stopping&, const instance_stopping&) = default;
};

struct instance_stopped {
  static constexpr std::string_view type = "instance.stopped";
  static constexpr std::uint32_t schema = 1;
  int exit_code = -1;  // -1 with signal 0: unknown
  int signal = 0;
  std::string ended_by;  // powerdown, quit, kill, guest
  static constexpr auto fields() {
    using S = instance_stopped;
    return std::tuple{field{"exit_code", &S::exit_code}, field{"signal", &S::signal}, field{"ended_by", &S::ended_by}};
  }
  friend bool operator==(const instance_stopped&, const instance_stopped&) = default;
};

struct instance_crashed {
  static constexpr std::string_view type = "instance.crashed";
  static constexpr std::uint32_t schema = 1;
  int exit_code = -1;
  int signal = 0;
  std::optional<std::string> reason;  // absent in older logs: the fold words one from the exit
  static constexpr auto fields() {
    using S = instance_crashed;
    return std::tuple{field{"exit_code", &S::exit_code}, field{"signal", &S::signal},
                      field{"reason", &S::reason, presence::when_set}};
  }
  friend bool operator==(const instance_crashed&, const instance_crashed&) = default;
};

struct instance_restart_scheduled {
  static constexpr std::string_view type = "instance.restart_scheduled";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t delay_ms = 0;
  std::optional<unsigned> attempt;
  static constexpr auto fields() {
    using S = instance_restart_scheduled;
    return std::tuple{field{"delay_ms", &S::delay_ms}, field{"attempt", &S::attempt, presence::when_set}};
  }
  friend bool operator==(const instance_restart_scheduled&, const instance_restart_scheduled&) = default;
};

struct instance_restart_cancelled {
  static constexpr std::string_view type = "instance.restart_cancelled";
  static constexpr std::uint32_t schema = 1;
  static constexpr auto fields() { return std::tuple{}; }
  friend bool operator==(const instance_restart_cancelled&, const instance_restart_cancelled&) = default;
};

struct instance_gave_up {
  static constexpr std::string_view type = "instance.gave_up";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> reason;
  static constexpr auto fields() {
    return std::tuple{field{"reason", &instance_gave_up::reason, presence::when_set}};
  }
  friend bool operator==(const instance_gave_up&, const instance_gave_up&) = default;
};

struct instance_phoned_home {
  static constexpr std::string_view type = "instance.phoned_home";
  static constexpr std::uint32_t schema = 1;
  std::string hostname;
  std::map<std::string, std::string> host_keys;  // key type -> base64
  std::string ip;                                // "": none reported in this post
  static constexpr auto fields() {
    using S = instance_phoned_home;
    return std::tuple{field{"hostname", &S::hostname}, field{"host_keys", &S::host_keys}, field{"ip", &S::ip}};
  }
  friend bool operator==(const instance_phoned_home&, const instance_phoned_home&) = default;
};

struct instance_ip_reported {
  static constexpr std::string_view type = "instance.ip_reported";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> ip;
  static constexpr auto fields() {
    return std::tuple{field{"ip", &instance_ip_reported::ip, presence::when_set}};
  }
  friend bool operator==(const instance_ip_reported&, const instance_ip_reported&) = default;
};

struct instance_ready {
  static constexpr std::string_view type = "instance.ready";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::uint64_t> after_ms;  // since this boot's instance.starting
  static constexpr auto fields() {
    return std::tuple{field{"after_ms", &instance_ready::after_ms, presence::when_set}};
  }
  friend bool operator==(const instance_ready&, const instance_ready&) = default;
};

// A forward's members (port_forward.hpp), flat in both forward events; the defaults are
// port_forward's.
struct forward_members {
  std::string proto = "tcp";
  std::string address = "127.0.0.1";
  std::uint16_t host_port = 0, guest_port = 0;
  static constexpr auto fields() {
    using S = forward_members;
    return std::tuple{field{"proto", &S::proto}, field{"address", &S::address}, field{"host_port", &S::host_port},
                      field{"guest_port", &S::guest_port}};
  }
  friend bool operator==(const forward_members&, const forward_members&) = default;
};

struct instance_forward_added : forward_members {
  static constexpr std::string_view type = "instance.forward_added";
  static constexpr std::uint32_t schema = 1;
};

struct instance_forward_removed : forward_members {
  static constexpr std::string_view type = "instance.forward_removed";
  static constexpr std::uint32_t schema = 1;
};

struct instance_mount_added {
  static constexpr std::string_view type = "instance.mount_added";
  static constexpr std::uint32_t schema = 1;
  std::string host_path, guest_path;
  bool readonly = false;
  static constexpr auto fields() {
    using S = instance_mount_added;
    return std::tuple{field{"host_path", &S::host_path}, field{"guest_path", &S::guest_path},
                      field{"readonly", &S::readonly}};
  }
  friend bool operator==(const instance_mount_added&, const instance_mount_added&) = default;
};

struct instance_mount_removed {
  static constexpr std::string_view type = "instance.mount_removed";
  static constexpr std::uint32_t schema = 1;
  std::string guest_path;
  static constexpr auto fields() { return std::tuple{field{"guest_path", &instance_mount_removed::guest_path}}; }
  friend bool operator==(const instance_mount_removed&, const instance_mount_removed&) = default;
};

}  // namespace kaso::domain
