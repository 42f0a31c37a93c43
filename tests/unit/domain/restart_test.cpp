// Restart policies, given/when/then with the time passed in (no clock, no sleep): what a crash, a
// guest poweroff, a vanished qemu and a failed relaunch lead to under never / on-failure /
// always; the intensity limit (N restarts within T seconds) and `failed`; the backoff; a user's
// start clearing `failed`; a stop cancelling a scheduled restart; stale timers. Issue #5.
#include <gtest/gtest.h>

#include "domain/restart_policy.hpp"
#include "instance_scenario.hpp"

namespace kaso::domain {
namespace {

constexpr std::int64_t second = 1000000;

TEST(restart_policy, backoff_doubles_within_the_window_up_to_its_cap) {
  restart_policy p;
  p.backoff_ms = 100;
  p.backoff_max_ms = 350;
  p.max_restarts = 10;
  std::vector<std::int64_t> recent;
  std::vector<std::uint64_t> delays;
  for (int k = 0; k < 4; ++k) {
    auto d = decide_restart(p, recent, 10 * second, true);
    ASSERT_EQ(d.what, restart_decision::kind::restart);
    EXPECT_EQ(d.attempt, static_cast<unsigned>(k + 1));
    delays.push_back(d.delay_ms);
    recent.push_back(10 * second);
  }
  EXPECT_EQ(delays, (std::vector<std::uint64_t>{100, 200, 350, 350}));
  EXPECT_EQ(decide_restart(p, recent, 10 * second + 60 * second, true).delay_ms, 100u)
      << "restarts older than the window no longer count";
}

TEST(restart_policy, the_mode_says_which_ends_restart) {
  restart_policy p;
  p.mode = restart_mode::never;
  EXPECT_EQ(decide_restart(p, {}, 0, true).what, restart_decision::kind::none);
  p.mode = restart_mode::on_failure;
  EXPECT_EQ(decide_restart(p, {}, 0, true).what, restart_decision::kind::restart);
  EXPECT_EQ(decide_restart(p, {}, 0, false).what, restart_decision::kind::none);
  p.mode = restart_mode::always;
  EXPECT_EQ(decide_restart(p, {}, 0, false).what, restart_decision::kind::restart);
}

TEST(restart_policy, limits_are_validated) {
  restart_policy p;
  EXPECT_TRUE(validate(p).ok());
  EXPECT_EQ(parse_restart_mode("sometimes").error().code(), errc::invalid_argument);
  EXPECT_EQ(parse_restart_mode("on-failure").value(), restart_mode::on_failure);
  EXPECT_EQ(to_string(restart_mode::always), "always");
  p = {};
  p.window_s = 0;
  EXPECT_FALSE(validate(p).ok());
  p = {};
  p.backoff_ms = 5000;
  p.backoff_max_ms = 1000;
  EXPECT_FALSE(validate(p).ok());
  p = {};
  p.max_restarts = 1001;
  EXPECT_FALSE(validate(p).ok());
}

// An instance `vm1` with `policy`, started and running as pid 100.
struct running_vm {
  scenario s = with_default_networks();
  std::uint64_t id = 0;
  explicit running_vm(restart_policy policy) {
    auto c = vm(s, "vm1");
    c.restart = std::move(policy);
    s.when_ok(c);
    id = s.state.instances.resolve("vm1")->id;
    s.when_ok(start_instance{"vm1"});
    s.when_ok(mark_started{id, 100, 1});
  }
  const instance& i() const { return *s.state.instances.find(id); }
  // qemu killed by SIGKILL at `now_us`.
  std::vector<events::event> killed_at(std::int64_t now_us) {
    s.now_us = now_us;
    mark_exited m;
    m.id = id;
    m.signal = 9;
    m.now_us = now_us;
    return s.when_ok(m);
  }
  // The scheduled restart comes due and qemu runs again as `pid`.
  std::vector<events::event> relaunched(std::int64_t pid) {
    auto begun = s.when_ok(begin_restart{id, i().restart_attempt});
    EXPECT_EQ(types(begun), std::vector<std::string>{"instance.starting"});
    return s.when_ok(mark_started{id, pid, 2});
  }
};

TEST(restart, a_kill_under_on_failure_is_a_crash_then_a_scheduled_restart_then_restarted) {
  restart_policy p;
  p.backoff_ms = 0;
  running_vm v(p);
  auto crash = v.killed_at(10 * second);
  ASSERT_EQ(types(crash), (std::vector<std::string>{"instance.crashed", "instance.restart_scheduled"}));
  EXPECT_EQ(crash[0].payload["signal"], 9);
  EXPECT_EQ(crash[0].payload["reason"], "qemu was killed by signal 9");
  EXPECT_EQ(crash[1].payload["delay_ms"], 0);
  EXPECT_EQ(crash[1].payload["attempt"], 1);
  EXPECT_EQ(crash[1].version, crash[0].version + 1);
  EXPECT_EQ(v.i().state, instance_state::restarting);
  auto restarted = v.relaunched(200);
  ASSERT_EQ(types(restarted), std::vector<std::string>{"instance.restarted"});
  EXPECT_EQ(restarted[0].payload["pid"], 200);
  EXPECT_EQ(restarted[0].payload["attempt"], 1);
  EXPECT_EQ(v.i().state, instance_state::running);
  EXPECT_EQ(v.i().pid, 200);
}

TEST(restart, a_crash_loop_gives_up_after_the_limit_and_a_user_start_clears_failed) {
  restart_policy p;
  p.max_restarts = 3;
  p.window_s = 60;
  p.backoff_ms = 100;
  running_vm v(p);
  std::vector<std::uint64_t> delays;
  for (int k = 0; k < 3; ++k) {
    auto crash = v.killed_at((10 + k) * second);
    ASSERT_EQ(types(crash), (std::vector<std::string>{"instance.crashed", "instance.restart_scheduled"}));
    delays.push_back(crash[1].payload["delay_ms"].get<std::uint64_t>());
    v.relaunched(200 + k);
  }
  EXPECT_EQ(delays, (std::vector<std::uint64_t>{100, 200, 400}));
  auto last = v.killed_at(13 * second);
  ASSERT_EQ(types(last), (std::vector<std::string>{"instance.crashed", "instance.gave_up"}));
  EXPECT_EQ(last[1].payload["reason"], "qemu was killed by signal 9; gave up after 3 restarts within 60 s (the limit is 3)");
  EXPECT_EQ(v.i().state, instance_state::failed);
  EXPECT_NE(v.i().message.find("gave up"), std::string::npos);
  EXPECT_TRUE(v.s.when_ok(stop_instance{"vm1"}).empty()) << "stopping a failed instance changes nothing";

  v.s.when_ok(start_instance{"vm1"});
  v.s.when_ok(mark_started{v.id, 300, 3});
  EXPECT_EQ(v.i().state, instance_state::running);
  auto again = v.killed_at(14 * second);
  EXPECT_EQ(types(again), (std::vector<std::string>{"instance.crashed", "instance.restart_scheduled"}))
      << "a user's start forgets the restart history";
  EXPECT_EQ(again[1].payload["delay_ms"], 100);
}

TEST(restart, restarts_spread_wider_than_the_window_never_give_up) {
  restart_policy p;
  p.max_restarts = 2;
  p.window_s = 10;
  p.backoff_ms = 0;
  running_vm v(p);
  for (int k = 0; k < 6; ++k) {
    auto crash = v.killed_at(k * 6 * second);
    ASSERT_EQ(types(crash).back(), "instance.restart_scheduled") << "crash " << k;
    v.relaunched(200 + k);
  }
}

TEST(restart, a_guest_poweroff_restarts_only_under_always) {
  for (const char* mode : {"never", "on-failure", "always"}) {
    restart_policy p;
    p.mode = parse_restart_mode(mode).value();
    running_vm v(p);
    mark_exited m;
    m.id = v.id;
    m.exit_code = 0;
    m.shutdown_reason = "guest-shutdown";
    auto out = v.s.when_ok(m);
    auto expected = std::string(mode) == "always"
                        ? std::vector<std::string>{"instance.stopped", "instance.restart_scheduled"}
                        : std::vector<std::string>{"instance.stopped"};
    EXPECT_EQ(types(out), expected) << mode;
    EXPECT_EQ(out[0].payload["ended_by"], "guest");
  }
}

TEST(restart, a_signal_to_qemu_is_a_failure_even_with_exit_status_zero) {
  running_vm v(restart_policy{});
  mark_exited m;
  m.id = v.id;
  m.exit_code = 0;
  m.shutdown_reason = "host-signal";  // qemu exits 0 on SIGTERM, and says why on QMP
  auto out = v.s.when_ok(m);
  ASSERT_EQ(types(out), (std::vector<std::string>{"instance.crashed", "instance.restart_scheduled"}));
  EXPECT_EQ(out[0].payload["reason"], "qemu was shut down (host-signal), not by the guest");
}

TEST(restart, a_qemu_vanished_while_the_server_was_down_is_a_failure) {
  running_vm v(restart_policy{});
  mark_exited m;
  m.id = v.id;
  m.detail = "vanished while the server was down";
  auto out = v.s.when_ok(m);
  ASSERT_EQ(types(out), (std::vector<std::string>{"instance.crashed", "instance.restart_scheduled"}));
  EXPECT_EQ(v.i().message, "qemu vanished while the server was down");
}

TEST(restart, a_failed_relaunch_counts_against_the_limit) {
  restart_policy p;
  p.max_restarts = 2;
  running_vm v(p);
  v.killed_at(1 * second);
  v.s.when_ok(begin_restart{v.id, 1});
  auto failed = v.s.when_ok(mark_start_failed{v.id, "qemu: cannot open disk", 2 * second});
  ASSERT_EQ(types(failed), (std::vector<std::string>{"instance.start_failed", "instance.restart_scheduled"}));
  EXPECT_EQ(failed[1].payload["attempt"], 2);
  v.s.when_ok(begin_restart{v.id, 2});
  auto given_up = v.s.when_ok(mark_start_failed{v.id, "qemu: cannot open disk", 3 * second});
  ASSERT_EQ(types(given_up), (std::vector<std::string>{"instance.start_failed", "instance.gave_up"}));
  EXPECT_EQ(v.i().state, instance_state::failed);
}

TEST(restart, a_user_start_that_fails_is_not_retried) {
  scenario s = with_default_networks();
  s.when_ok(vm(s, "vm1"));
  auto id = s.state.instances.resolve("vm1")->id;
  s.when_ok(start_instance{"vm1"});
  auto out = s.when_ok(mark_start_failed{id, "no such file", 0});
  EXPECT_EQ(types(out), std::vector<std::string>{"instance.start_failed"});
}

TEST(restart, a_stop_cancels_a_scheduled_restart_and_its_timer_is_then_stale) {
  running_vm v(restart_policy{});
  v.killed_at(1 * second);
  ASSERT_EQ(v.i().state, instance_state::restarting);
  EXPECT_EQ(v.i().restart_due_us, v.s.now_us + 1000 * 1000) << "due after the 1 s default backoff";
  auto cancelled = v.s.when_ok(stop_instance{"vm1"});
  EXPECT_EQ(types(cancelled), std::vector<std::string>{"instance.restart_cancelled"});
  EXPECT_EQ(v.i().state, instance_state::stopped);
  EXPECT_TRUE(v.s.when_ok(begin_restart{v.id, 1}).empty()) << "the timer comes due after the stop";
  EXPECT_EQ(v.i().state, instance_state::stopped);
}

TEST(restart, a_user_start_while_restarting_makes_the_timer_stale) {
  running_vm v(restart_policy{});
  v.killed_at(1 * second);
  v.s.when_ok(start_instance{"vm1"});
  EXPECT_EQ(v.i().state, instance_state::starting);
  EXPECT_TRUE(v.s.when_ok(begin_restart{v.id, 1}).empty());
  auto started = v.s.when_ok(mark_started{v.id, 500, 5});
  EXPECT_EQ(types(started), std::vector<std::string>{"instance.started"}) << "the user's start, not a restart";
}

TEST(restart, policy_and_autostart_are_recorded_and_modified) {
  scenario s = with_default_networks();
  auto c = vm(s, "vm1");
  c.autostart = true;
  c.restart.mode = restart_mode::always;
  c.restart.max_restarts = 7;
  auto created = s.when_ok(c);
  EXPECT_EQ(created[0].payload["autostart"], true);
  EXPECT_EQ(created[0].payload["restart"], "always");
  EXPECT_EQ(created[0].payload["restart_limit"], 7);
  const auto* i = s.state.instances.resolve("vm1");
  EXPECT_TRUE(i->autostart);
  EXPECT_EQ(i->restart.mode, restart_mode::always);
  EXPECT_EQ(i->restart.max_restarts, 7u);

  modify_instance m{"vm1", {}, {4, 8192}};
  m.changes.restart = restart_mode::never;
  m.changes.autostart = false;
  m.changes.restart_limit = 7;  // unchanged: not recorded
  auto modified = s.when_ok(m);
  ASSERT_EQ(modified.size(), 1u);
  EXPECT_EQ(modified[0].payload, (nlohmann::json{{"restart", "never"}, {"autostart", false}}));
  EXPECT_EQ(s.state.instances.resolve("vm1")->restart.mode, restart_mode::never);

  modify_instance bad{"vm1", {}, {4, 8192}};
  bad.changes.restart_window = 0;
  EXPECT_EQ(s.when_refused(bad).code(), errc::invalid_argument);
  auto c2 = vm(s, "vm2");
  c2.restart.backoff_ms = 10 * 3600 * 1000;
  EXPECT_EQ(s.when_refused(c2).code(), errc::invalid_argument);
}

TEST(restart, an_older_log_without_a_policy_folds_to_the_default) {
  scenario s = with_default_networks();
  auto created = decide(s.state, vm(s, "vm1")).value();
  for (const char* k : {"autostart", "restart", "restart_limit", "restart_window", "restart_backoff_ms",
                        "restart_backoff_max_ms"}) {
    created[0].payload.erase(k);
  }
  s.given(created);
  const auto* i = s.state.instances.resolve("vm1");
  EXPECT_EQ(i->restart, restart_policy{});
  EXPECT_FALSE(i->autostart);
}

}  // namespace
}  // namespace kaso::domain
