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

constexpr std::size_t max_restart_history = 1001;  // the largest limit validate() allows, plus one
constexpr std::uint64_t max_restart_delay_ms = 24 * 3600 * 1000;  // far above the largest backoff validate() allows

// Builds the events of one decision, numbering their versions from the instance's.
class decision {
 public:
  explicit decision(const instance& i) : i_(i) {}
  template <class Event>
  decision& add(const Event& ev) {
    out_.push_back(make_event(ev, i_.id, i_.version + out_.size() + 1));
    return *this;
  }
  // What the restart policy makes of an end nobody asked for (`failure` unless a guest poweroff).
  decision& add_policy(std::int64_t now_us, bool failure, const std::string& why) {
    auto d = decide_restart(i_.restart, i_.restart_times_us, now_us, failure);
    if (d.what == restart_decision::kind::restart) {
      add(instance_restart_scheduled{d.delay_ms, d.attempt});
    } else if (d.what == restart_decision::kind::give_up) {
      add(instance_gave_up{why + "; gave up after " + d.reason});
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
  return decision(i).add(instance_starting{}).take_events();
}

result<std::vector<events::event>> decide(const machines& s, const begin_restart& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.state != instance_state::restarting || i.restart_attempt != c.attempt) return std::vector<events::event>{};
  return decision(i).add(instance_starting{c.attempt}).take_events();
}

result<std::vector<events::event>> decide(const machines& s, const mark_started& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.state != instance_state::starting) return error::conflict("instance '" + i.name + "' is not starting");
  if (i.restart_attempt != 0) {
    return decision(i)
        .add(instance_restarted{c.pid, c.start_time, i.restart_attempt})
        .take_events();
  }
  return decision(i).add(instance_started{c.pid, c.start_time}).take_events();
}

result<std::vector<events::event>> decide(const machines& s, const mark_start_failed& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.state != instance_state::starting) return error::conflict("instance '" + i.name + "' is not starting");
  decision d(i);
  d.add(instance_start_failed{c.message});
  // A user's start reports its failure to the user; an automatic restart's is the policy's.
  if (i.restart_attempt != 0) d.add_policy(c.now_us, true, "restart failed: " + c.message);
  return d.take_events();
}

result<std::vector<events::event>> decide(const machines& s, const stop_instance& c) {
  auto found = existing(s, c.ref);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.state == instance_state::restarting) return decision(i).add(instance_restart_cancelled{}).take_events();
  if (i.state != instance_state::running && !active(i)) return std::vector<events::event>{};
  if (i.state != instance_state::running) return error::conflict("instance '" + i.name + "' is " + std::string(to_string(i.state)));
  return decision(i).add(instance_stopping{c.force, c.timeout_s}).take_events();
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
    return d.add(instance_stopped{c.exit_code, c.signal, by}).take_events();
  }
  if (guest_poweroff(c)) {
    d.add(instance_stopped{c.exit_code, c.signal, "guest"});
    return d.add_policy(c.now_us, false, "the guest powered off").take_events();
  }
  auto why = end_reason(c);
  d.add(instance_crashed{c.exit_code, c.signal, why});
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
  instance_phoned_home phoned{c.report.hostname, {c.report.host_keys.begin(), c.report.host_keys.end()}, c.report.ip};
  return decision(**found).add(phoned).take_events();
}

result<std::vector<events::event>> decide(const machines& s, const record_ip_report& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  if (auto v = parse_ipv4(c.ip); !v.ok()) return error::invalid_argument("reported address: " + v.error().message());
  if (const auto& known = (*found)->phone_home; known && known->ip == c.ip) return std::vector<events::event>{};
  return decision(**found).add(instance_ip_reported{c.ip}).take_events();
}

result<std::vector<events::event>> decide(const machines& s, const record_ready& c) {
  auto found = existing(s, c.id);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  if (i.state != instance_state::running || i.ready_us != 0) return std::vector<events::event>{};
  auto after_us = std::max<std::int64_t>(0, c.now_us - i.boot_started_us);
  return decision(i).add(instance_ready{static_cast<std::uint64_t>(after_us / 1000)}).take_events();
}

namespace detail {

void apply(instance& i, const instance_starting& ev, const events::event& e) {
  i.state = instance_state::starting;
  i.message.clear();
  i.boot_started_us = e.time_us;
  i.booted_vcpu = i.vcpu;
  i.booted_ram_mb = i.ram_mb;
  i.booted_display = i.display;
  i.ready_us = 0;
  i.ready_after_ms = 0;
  i.restart_attempt = ev.restart_attempt.value_or(0);
  i.restart_due_us = 0;
  if (i.restart_attempt == 0) i.restart_times_us.clear();  // a user's start begins a fresh history
}

void apply(instance& i, const instance_started& ev, const events::event&) {
  i.state = instance_state::running;
  if (ev.pid) i.pid = *ev.pid;
  if (ev.start_time) i.start_time = *ev.start_time;
}

void apply(instance& i, const instance_restarted& ev, const events::event& e) {
  apply(i, instance_started{ev.pid, ev.start_time}, e);
}

void apply(instance& i, const instance_start_failed& ev, const events::event&) {
  i.state = instance_state::stopped;
  i.pid = 0;
  i.ready_us = 0;
  if (ev.message) i.message = *ev.message;
}

void apply(instance& i, const instance_stopping&, const events::event&) { i.state = instance_state::stopping; }

// qemu's end, either way: no process, no readiness, the exit kept.
void ended(instance& i, instance_state state, int exit_code, int signal) {
  i.state = state;
  i.pid = 0;
  i.ready_us = 0;
  i.last_exit = std::pair{exit_code, signal};
  i.message.clear();
}

void apply(instance& i, const instance_stopped& ev, const events::event&) {
  ended(i, instance_state::stopped, ev.exit_code, ev.signal);
}

void apply(instance& i, const instance_crashed& ev, const events::event&) {
  ended(i, instance_state::crashed, ev.exit_code, ev.signal);
  i.message = ev.reason.value_or(ev.signal != 0 ? "qemu was killed by signal " + std::to_string(ev.signal)
                                                 : "qemu exited with code " + std::to_string(ev.exit_code));
}

void apply(instance& i, const instance_restart_scheduled& ev, const events::event& e) {
  i.state = instance_state::restarting;
  const auto delay_ms = std::min(ev.delay_ms, max_restart_delay_ms);  // a log's number, never an overflow
  if (ev.attempt) i.restart_attempt = *ev.attempt;
  const auto delay_us = static_cast<std::int64_t>(delay_ms) * 1000;
  const auto latest = std::numeric_limits<std::int64_t>::max();
  i.restart_due_us = e.time_us > latest - delay_us ? latest : e.time_us + delay_us;
  i.restart_times_us.push_back(e.time_us);
  if (i.restart_times_us.size() > max_restart_history) i.restart_times_us.erase(i.restart_times_us.begin());
}

void apply(instance& i, const instance_restart_cancelled&, const events::event&) {
  i.state = instance_state::stopped;
  i.restart_attempt = 0;
  i.restart_due_us = 0;
}

void apply(instance& i, const instance_gave_up& ev, const events::event&) {
  i.state = instance_state::failed;
  i.restart_attempt = 0;
  i.restart_due_us = 0;
  if (ev.reason) i.message = *ev.reason;
}

void apply(instance& i, const instance_phoned_home& ev, const events::event& e) {
  phone_home_report r;
  r.hostname = ev.hostname;
  r.ip = ev.ip;
  r.host_keys = {ev.host_keys.begin(), ev.host_keys.end()};
  if (r.ip.empty() && i.phone_home) r.ip = i.phone_home->ip;  // reported earlier by the guest
  r.time_us = e.time_us;
  i.phone_home = std::move(r);
}

void apply(instance& i, const instance_ready& ev, const events::event& e) {
  i.ready_us = e.time_us;
  if (ev.after_ms) i.ready_after_ms = *ev.after_ms;
}

void apply(instance& i, const instance_ip_reported& ev, const events::event&) {
  if (!i.phone_home) i.phone_home = phone_home_report{};
  if (ev.ip) i.phone_home->ip = *ev.ip;
}

}  // namespace detail
}  // namespace kaso::domain
