// The lifecycle of an instance (see the table in instance.hpp): start, stop, qemu's end, automatic
// restarts under the instance's restart policy, and the guest's reports; deciders and fold.
#include <algorithm>
#include <limits>

#include "domain/instance.hpp"
#include "domain/instance_events.hpp"
#include "domain/ipv4.hpp"

namespace kaso::domain {
namespace {

using detail::existing;
using detail::take;

constexpr std::size_t max_restart_history = 1001;  // the largest limit validate() allows, plus one
constexpr std::uint64_t max_restart_delay_ms = 24 * 3600 * 1000;  // far above the largest backoff validate() allows

// Builds the events of one decision, numbering their versions from the instance's.
class decision {
 public:
  explicit decision(const instance& i) : i_(i) {}
  decision& add(std::string type, nlohmann::json payload = nlohmann::json::object()) {
    out_.push_back(detail::make_instance_event(i_.id, i_.version + out_.size() + 1, std::move(type), std::move(payload)));
    return *this;
  }
  // What the restart policy makes of an end nobody asked for (`failure` unless a guest poweroff).
  decision& add_policy(std::int64_t now_us, bool failure, const std::string& why) {
    auto d = decide_restart(i_.restart, i_.restart_times_us, now_us, failure);
    if (d.what == restart_decision::kind::restart) {
      add("instance.restart_scheduled", {{"delay_ms", d.delay_ms}, {"attempt", d.attempt}});
    } else if (d.what == restart_decision::kind::give_up) {
      add("instance.gave_up", {{"reason", why + "; gave up after " + d.reason}});
    }
    return *this;
  }
  std::vector<events::event> take_events() { return std::move(out_); }

 private:
  const instance& i_;
  std::vector<events::event> out_;
};

bool active(const instance& i) { return domain::active(i.state); }

// Why qemu ended, in words, for an end nobody asked for.
std::string end_reason(const mark_exited& c) {
  if (!c.detail.empty()) return "qemu " + c.detail;
  if (c.signal != 0) return "qemu was killed by signal " + std::to_string(c.signal);
  if (c.exit_code > 0) return "qemu exited with code " + std::to_string(c.exit_code);
  if (c.exit_code == 0) return "qemu was shut down (" + c.shutdown_reason + "), not by the guest";
  return "qemu ended (exit status unknown)";
}

// A clean poweroff by the guest: qemu said so on QMP, or (when its SHUTDOWN event was not seen)
// it exited with status 0.
bool guest_poweroff(const mark_exited& c) {
  if (c.shutdown_reason == "guest-shutdown") return true;
  return c.shutdown_reason.empty() && c.detail.empty() && c.exit_code == 0 && c.signal == 0;
}

}  // namespace

result<std::vector<events::event>> decide(const machines& s, const start_instance& c) {
  auto found = existing(s, c.ref);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (active(i)) return error::conflict("instance '" + i.name + "' is already " + std::string(to_string(i.state)));
  return decision(i).add("instance.starting").take_events();
}

result<std::vector<events::event>> decide(const machines& s, const begin_restart& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.state != instance_state::restarting || i.restart_attempt != c.attempt) return std::vector<events::event>{};
  return decision(i).add("instance.starting", {{"restart_attempt", c.attempt}}).take_events();
}

result<std::vector<events::event>> decide(const machines& s, const mark_started& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.state != instance_state::starting) return error::conflict("instance '" + i.name + "' is not starting");
  if (i.restart_attempt != 0) {
    return decision(i)
        .add("instance.restarted", {{"pid", c.pid}, {"start_time", c.start_time}, {"attempt", i.restart_attempt}})
        .take_events();
  }
  return decision(i).add("instance.started", {{"pid", c.pid}, {"start_time", c.start_time}}).take_events();
}

result<std::vector<events::event>> decide(const machines& s, const mark_start_failed& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.state != instance_state::starting) return error::conflict("instance '" + i.name + "' is not starting");
  decision d(i);
  d.add("instance.start_failed", {{"message", c.message}});
  // A user's start reports its failure to the user; an automatic restart's is the policy's.
  if (i.restart_attempt != 0) d.add_policy(c.now_us, true, "restart failed: " + c.message);
  return d.take_events();
}

result<std::vector<events::event>> decide(const machines& s, const stop_instance& c) {
  auto found = existing(s, c.ref);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.state == instance_state::restarting) return decision(i).add("instance.restart_cancelled").take_events();
  if (i.state != instance_state::running && !active(i)) return std::vector<events::event>{};
  if (i.state != instance_state::running) return error::conflict("instance '" + i.name + "' is " + std::string(to_string(i.state)));
  return decision(i).add("instance.stopping", {{"force", c.force}, {"timeout", c.timeout_s}}).take_events();
}

// Asked for (a stop): stopped. A guest poweroff: stopped, then the policy (it restarts only under
// `always`). Anything else: crashed, then the policy.
result<std::vector<events::event>> decide(const machines& s, const mark_exited& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (!active(i)) return std::vector<events::event>{};
  decision d(i);
  if (c.requested || i.state == instance_state::stopping) {
    std::string by = c.ended_by.empty() ? "guest" : c.ended_by;
    return d.add("instance.stopped", {{"exit_code", c.exit_code}, {"signal", c.signal}, {"ended_by", by}}).take_events();
  }
  if (guest_poweroff(c)) {
    d.add("instance.stopped", {{"exit_code", c.exit_code}, {"signal", c.signal}, {"ended_by", "guest"}});
    return d.add_policy(c.now_us, false, "the guest powered off").take_events();
  }
  auto why = end_reason(c);
  d.add("instance.crashed", {{"exit_code", c.exit_code}, {"signal", c.signal}, {"reason", why}});
  return d.add_policy(c.now_us, true, why).take_events();
}

result<std::vector<events::event>> decide(const machines& s, const record_phone_home& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  // Only a change is recorded (issue #15: 4,000 identical posts added 12 MB of events).
  if (const auto& known = (*found)->phone_home;
      known && known->hostname == c.report.hostname && known->host_keys == c.report.host_keys &&
      (c.report.ip.empty() || known->ip == c.report.ip)) {
    return std::vector<events::event>{};
  }
  nlohmann::json keys = nlohmann::json::object();
  for (const auto& [k, v] : c.report.host_keys) keys[k] = v;
  return decision(**found)
      .add("instance.phoned_home", {{"hostname", c.report.hostname}, {"host_keys", keys}, {"ip", c.report.ip}})
      .take_events();
}

result<std::vector<events::event>> decide(const machines& s, const record_ip_report& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  if (auto v = parse_ipv4(c.ip); !v.ok()) return error::invalid_argument("reported address: " + v.error().message());
  if (const auto& known = (*found)->phone_home; known && known->ip == c.ip) return std::vector<events::event>{};
  return decision(**found).add("instance.ip_reported", {{"ip", c.ip}}).take_events();
}

result<std::vector<events::event>> decide(const machines& s, const record_ready& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.state != instance_state::running || i.ready_us != 0) return std::vector<events::event>{};
  auto after_us = std::max<std::int64_t>(0, c.now_us - i.boot_started_us);
  return decision(i).add("instance.ready", {{"after_ms", after_us / 1000}}).take_events();
}

namespace detail {

void apply_lifecycle(instance& i, const events::event& e) {
  const auto& p = e.payload;
  const auto& t = e.type;
  if (t == "instance.starting") {
    i.state = instance_state::starting;
    i.message.clear();
    i.boot_started_us = e.time_us;
    i.ready_us = 0;
    i.ready_after_ms = 0;
    unsigned attempt = 0;
    take(p, "restart_attempt", attempt);
    i.restart_attempt = attempt;
    i.restart_due_us = 0;
    if (attempt == 0) i.restart_times_us.clear();  // a user's start begins a fresh history
  } else if (t == "instance.started" || t == "instance.restarted") {
    i.state = instance_state::running;
    take(p, "pid", i.pid);
    take(p, "start_time", i.start_time);
  } else if (t == "instance.start_failed") {
    i.state = instance_state::stopped;
    i.pid = 0;
    i.ready_us = 0;
    take(p, "message", i.message);
  } else if (t == "instance.stopping") {
    i.state = instance_state::stopping;
  } else if (t == "instance.stopped" || t == "instance.crashed") {
    i.state = t == "instance.stopped" ? instance_state::stopped : instance_state::crashed;
    i.pid = 0;
    i.ready_us = 0;
    i.last_exit = std::pair{payload::number(p, "exit_code", -1), payload::number(p, "signal", 0)};
    i.message.clear();
    if (t == "instance.crashed") {
      i.message = i.last_exit->second != 0 ? "qemu was killed by signal " + std::to_string(i.last_exit->second)
                                           : "qemu exited with code " + std::to_string(i.last_exit->first);
      take(p, "reason", i.message);
    }
  } else if (t == "instance.restart_scheduled") {
    i.state = instance_state::restarting;
    std::uint64_t delay_ms = 0;
    take(p, "delay_ms", delay_ms);
    delay_ms = std::min(delay_ms, max_restart_delay_ms);  // a log's number, never an overflow
    take(p, "attempt", i.restart_attempt);
    const auto delay_us = static_cast<std::int64_t>(delay_ms) * 1000;
    const auto latest = std::numeric_limits<std::int64_t>::max();
    i.restart_due_us = e.time_us > latest - delay_us ? latest : e.time_us + delay_us;
    i.restart_times_us.push_back(e.time_us);
    if (i.restart_times_us.size() > max_restart_history) i.restart_times_us.erase(i.restart_times_us.begin());
  } else if (t == "instance.restart_cancelled") {
    i.state = instance_state::stopped;
    i.restart_attempt = 0;
    i.restart_due_us = 0;
  } else if (t == "instance.gave_up") {
    i.state = instance_state::failed;
    i.restart_attempt = 0;
    i.restart_due_us = 0;
    take(p, "reason", i.message);
  } else if (t == "instance.phoned_home") {
    phone_home_report r;
    take(p, "hostname", r.hostname);
    take(p, "ip", r.ip);
    if (auto it = p.find("host_keys"); it != p.end() && it->is_object()) {
      for (const auto& [k, v] : it->items()) {
        if (v.is_string()) r.host_keys[k] = v.get<std::string>();
      }
    }
    if (r.ip.empty() && i.phone_home) r.ip = i.phone_home->ip;  // reported earlier by the guest
    r.time_us = e.time_us;
    i.phone_home = std::move(r);
  } else if (t == "instance.forward_added" || t == "instance.forward_removed") {
    apply_forward(i, e);
  } else if (t == "instance.mount_added" || t == "instance.mount_removed") {
    apply_mount(i, e);
  } else if (t == "instance.ready") {
    i.ready_us = e.time_us;
    take(p, "after_ms", i.ready_after_ms);
  } else if (t == "instance.ip_reported") {
    if (!i.phone_home) i.phone_home = phone_home_report{};
    take(p, "ip", i.phone_home->ip);
  }
}

}  // namespace detail
}  // namespace kaso::domain
