// Issue #18: the instance lifecycle through the whole actor tree (supervisor, instance manager, VM
// actor) against a fake host (fake_vm_host.hpp): no qemu, so each runs in milliseconds. A start
// reaches running and a stop ends it (by powerdown, or by quit when ACPI is ignored); a qemu that
// exits at once or never answers is a failed start; a crash is restarted by the policy; a guest's
// poweroff is not; a server restart takes over the running qemu, and one that vanished meanwhile
// is a crash; a failed instance manager is started again and takes over its qemu; on a fake clock
// (fake_clock.hpp), a restart comes exactly when the policy says. What is checked is what the log
// holds and what the fake host runs.
//
// The actors run on CAF's threaded scheduler (the event store writes on a thread of its own), so
// the tests wait, bounded, for the log to say what they expect.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "../../integration/eventually.hpp"
#include "actors/ask.hpp"
#include "actors/image_manager.hpp"
#include "actors/instance_manager.hpp"
#include "actors/supervisor.hpp"
#include "domain/rebuild.hpp"
#include "fake_clock.hpp"
#include "fake_vm_host.hpp"
#include "vm1_log.hpp"

namespace kaso::actors {
namespace {

namespace fs = std::filesystem;
using testing::eventually;
using testing::fake_vm_host;
using testing::story_of;
using testing::vm1_created;

// A server's actor tree on its own actor system; ended (the supervisor asked to shut down, then
// the system awaited) when it goes out of scope, whatever the test did.
struct server {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  supervisor_actor sup;
  server() = default;
  server(const server&) = delete;
  ~server() {
    if (sup) caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  }
};

struct vm_lifecycle : ::testing::Test {
  fs::path dir;
  std::unique_ptr<events::event_store> store;
  std::shared_ptr<fake_vm_host> host = std::make_shared<fake_vm_host>();
  events::cause who{1000, 42, "unix"};
  // vm1's SSH forward (nothing listens there: the boot watcher never hears sshd).
  std::uint16_t ssh_port = 0;
  // vm1's restart policy: on failure, 3 in 60 s, 1 ms backoff.
  domain::restart_policy policy = {domain::restart_mode::on_failure, 3, 60, 1, 1};
  // The instance manager's clock; null: the system's.
  std::shared_ptr<fake_clock> clock;

  void SetUp() override {
    char tmpl[] = "/tmp/kaso-vm-lifecycle-XXXXXX";
    dir = mkdtemp(tmpl);
    store = events::event_store::open(dir / "events", events::event_store::mode::read_write).value();
    ASSERT_TRUE(store->append(vm1_created(dir, ssh_port, policy)).ok());
    fs::create_directories(dir / "instances" / "vm1");
  }
  void TearDown() override {
    store.reset();
    fs::remove_all(dir);
  }

  void spawn(server& srv) { srv.sup = spawn(srv.sys); }
  supervisor_actor spawn(caf::actor_system& sys) {
    instance_settings s;
    s.instances_dir = dir / "instances";
    s.predefine_networks = false;
    s.host = {2, 4096};
    s.vm_host = host;
    if (clock) s.clock = clock;
    return spawn_supervisor(sys, *store, image_settings{dir / "images", {}, images::cpu_arch::x86_64}, std::move(s),
                            domain::rebuild(*store).value());
  }

  std::vector<std::string> story() const { return story_of(*store); }
  events::event last_of(const std::string& type) const { return testing::last_of(*store, type); }
  bool story_is(const std::vector<std::string>& expected) const {
    return eventually([&] { return story() == expected; }, std::chrono::seconds(10));
  }
  static nlohmann::json json_of(const result<json_text>& r) { return r.ok() ? nlohmann::json::parse(*r.value()) : nullptr; }
  result<json_text> start(caf::actor_system& sys, const supervisor_actor& sup) {
    return ask<json_text>(sys, sup, start_atom_v, std::string("vm1"), who);
  }
  result<json_text> stop(caf::actor_system& sys, const supervisor_actor& sup, bool force = false) {
    return ask<json_text>(sys, sup, stop_request{"vm1", force, 5}, who);
  }
  nlohmann::json get(caf::actor_system& sys, const supervisor_actor& sup) {
    return json_of(ask<json_text>(sys, sup, get_atom_v, instances_atom_v, std::string("vm1")));
  }
};

// A start, then a crash the policy restarts.
const std::vector<std::string> crash_and_restart = {"instance.starting", "instance.started", "instance.crashed",
                                                    "instance.restart_scheduled", "instance.starting",
                                                    "instance.restarted"};

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + " ";
  return out;
}

TEST_F(vm_lifecycle, issue_18_a_start_runs_qemu_and_a_stop_ends_it_by_powerdown) {
  server srv;
  spawn(srv);
  auto& sys = srv.sys;
  auto& sup = srv.sup;
  auto started = json_of(start(sys, sup));
  EXPECT_EQ(started["state"], "running") << started.dump();
  EXPECT_EQ(started["pid"], fake_vm_host::first_pid);
  EXPECT_EQ(host->running(), std::vector<std::int64_t>{fake_vm_host::first_pid});
  EXPECT_EQ(host->last_argv().at(0), "qemu-system-x86_64") << "the argv of build_argv";
  auto stopped = json_of(stop(sys, sup));
  EXPECT_EQ(stopped["state"], "stopped");
  EXPECT_TRUE(host->running().empty());
  EXPECT_EQ(story(), (std::vector<std::string>{"instance.starting", "instance.started", "instance.stopping",
                                               "instance.stopped"}));
  EXPECT_EQ(last_of("instance.stopped").payload["ended_by"], "powerdown");
  EXPECT_EQ(last_of("instance.starting").caused_by, who);
}

// Issue #18: each event names its chain. A start's events share the request's correlation, each
// following the one before; a crash's events share one of the server's own, through the restart.
TEST_F(vm_lifecycle, issue_18_events_name_the_chain_they_belong_to) {
  server srv;
  spawn(srv);
  who.correlation = "r-00000000000000aa";
  ASSERT_TRUE(start(srv.sys, srv.sup).ok());
  auto starting = last_of("instance.starting");
  auto started = last_of("instance.started");
  EXPECT_EQ(starting.caused_by.correlation, who.correlation);
  EXPECT_EQ(starting.caused_by.causation, 0u) << "a request";
  EXPECT_EQ(starting.caused_by.uid, 1000);
  EXPECT_EQ(started.caused_by.correlation, who.correlation);
  EXPECT_EQ(started.caused_by.causation, starting.seq);

  ASSERT_TRUE(host->crash(fake_vm_host::first_pid, SIGKILL));
  ASSERT_TRUE(eventually([&] { return last_of("instance.restarted").seq != 0; }, std::chrono::seconds(10)));
  auto crashed = last_of("instance.crashed");
  auto scheduled = last_of("instance.restart_scheduled");
  auto restarting = last_of("instance.starting");
  auto restarted = last_of("instance.restarted");
  EXPECT_EQ(crashed.caused_by.correlation.rfind("s-", 0), 0u) << crashed.caused_by.correlation;
  for (const auto* e : {&scheduled, &restarting, &restarted}) {
    EXPECT_EQ(e->caused_by.correlation, crashed.caused_by.correlation) << e->type;
  }
  EXPECT_EQ(restarting.caused_by.causation, scheduled.seq);
  EXPECT_EQ(restarted.caused_by.causation, restarting.seq);
}

TEST_F(vm_lifecycle, issue_18_a_qemu_that_ignores_acpi_is_ended_by_quit) {
  host->follow({fake_vm_host::start::runs, false});
  server srv;
  spawn(srv);
  auto& sys = srv.sys;
  auto& sup = srv.sup;
  ASSERT_TRUE(start(sys, sup).ok());
  ASSERT_TRUE(stop(sys, sup).ok());
  EXPECT_EQ(last_of("instance.stopped").payload["ended_by"], "quit");
}

TEST_F(vm_lifecycle, issue_18_a_qemu_that_exits_at_once_or_never_answers_is_a_failed_start) {
  server srv;
  spawn(srv);
  auto& sys = srv.sys;
  auto& sup = srv.sup;
  host->follow({fake_vm_host::start::exits_at_once});
  auto failed = start(sys, sup);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), errc::unavailable);
  EXPECT_NE(failed.error().message().find("cannot open disk"), std::string::npos) << failed.error().message();
  host->follow({fake_vm_host::start::never_answers});
  failed = start(sys, sup);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), errc::timeout);
  EXPECT_EQ(get(sys, sup)["state"], "stopped");
  EXPECT_TRUE(host->running().empty());
  EXPECT_EQ(story(), (std::vector<std::string>{"instance.starting", "instance.start_failed", "instance.starting",
                                               "instance.start_failed"}))
      << "a user's start that fails is not restarted";
}

TEST_F(vm_lifecycle, issue_18_a_crash_is_restarted_by_the_policy_and_a_guest_poweroff_is_not) {
  server srv;
  spawn(srv);
  auto& sys = srv.sys;
  auto& sup = srv.sup;
  ASSERT_TRUE(start(sys, sup).ok());
  ASSERT_TRUE(host->crash(fake_vm_host::first_pid, SIGKILL));
  ASSERT_TRUE(story_is(crash_and_restart))
      << joined(story());
  EXPECT_EQ(last_of("instance.crashed").payload["signal"], SIGKILL);
  EXPECT_EQ(host->running(), std::vector<std::int64_t>{fake_vm_host::first_pid + 1});
  EXPECT_TRUE(eventually([&] { return get(sys, sup)["pid"] == fake_vm_host::first_pid + 1; }));

  ASSERT_TRUE(host->power_off(fake_vm_host::first_pid + 1));
  ASSERT_TRUE(eventually([&] { return story().back() == "instance.stopped"; }, std::chrono::seconds(10))) << joined(story());
  EXPECT_EQ(last_of("instance.stopped").payload["ended_by"], "guest");
  EXPECT_EQ(get(sys, sup)["state"], "stopped") << "on-failure does not restart a guest's own poweroff";
  EXPECT_EQ(host->launches(), 2u);
}

TEST_F(vm_lifecycle, issue_18_a_server_restart_takes_over_the_running_qemu) {
  {
    server srv;
    spawn(srv);
    ASSERT_TRUE(start(srv.sys, srv.sup).ok());
  }
  ASSERT_EQ(host->running(), std::vector<std::int64_t>{fake_vm_host::first_pid}) << "qemu outlives the server";
  server srv;
  spawn(srv);
  auto& sys = srv.sys;
  auto& sup = srv.sup;
  ASSERT_TRUE(eventually([&] { return host->adoptions() == 1; }, std::chrono::seconds(10)));
  EXPECT_EQ(get(sys, sup)["state"], "running");
  EXPECT_EQ(host->launches(), 1u);
  // The taken-over qemu is watched: its crash is heard and restarted.
  ASSERT_TRUE(host->crash(fake_vm_host::first_pid, SIGSEGV));
  ASSERT_TRUE(story_is(crash_and_restart))
      << joined(story());
}

TEST_F(vm_lifecycle, issue_18_a_qemu_that_vanished_while_the_server_was_down_is_a_crash) {
  {
    server srv;
    spawn(srv);
    ASSERT_TRUE(start(srv.sys, srv.sup).ok());
  }
  ASSERT_TRUE(host->crash(fake_vm_host::first_pid, SIGKILL));  // nobody watches: the server is down
  server srv;
  spawn(srv);
  auto& sys = srv.sys;
  auto& sup = srv.sup;
  ASSERT_TRUE(story_is(crash_and_restart))
      << joined(story());
  EXPECT_NE(last_of("instance.crashed").payload.value("reason", "").find("vanished while the server was down"),
            std::string::npos)
      << last_of("instance.crashed").payload.dump();
  EXPECT_EQ(host->adoptions(), 0u);
}

TEST_F(vm_lifecycle, issue_18_a_failed_instance_manager_is_started_again_and_takes_over_its_qemu) {
  server srv;
  spawn(srv);
  auto& sys = srv.sys;
  auto& sup = srv.sup;
  ASSERT_TRUE(start(sys, sup).ok());
  caf::anon_send(sup, fail_atom_v, instances_atom_v);
  ASSERT_TRUE(eventually([&] { return host->adoptions() == 1; }, std::chrono::seconds(10)));
  EXPECT_EQ(host->running(), std::vector<std::int64_t>{fake_vm_host::first_pid}) << "qemu kept running";
  auto stopped = json_of(stop(sys, sup));
  EXPECT_EQ(stopped["state"], "stopped") << "the new manager's VM actor stops it";
  EXPECT_TRUE(host->running().empty());
}

// A VM actor that fails (here: qemu's monitor throws in a port forward's handler) leaves its qemu
// running unwatched; the manager, which monitors it, has a new VM actor take the qemu over, so a
// later crash is still heard and restarted.
struct vm_lifecycle_with_ssh : vm_lifecycle {
  void SetUp() override {
    ssh_port = 40999;
    vm_lifecycle::SetUp();
  }
};

TEST_F(vm_lifecycle_with_ssh, issue_18_a_failed_vm_actor_is_replaced_and_its_qemu_watched_again) {
  host->follow({fake_vm_host::start::runs, true, true});
  server srv;
  spawn(srv);
  ASSERT_TRUE(start(srv.sys, srv.sup).ok());
  auto forward = ask<json_text>(srv.sys, srv.sup, domain::add_forward{"vm1", {"tcp", "127.0.0.1", 41000, 80}}, who);
  EXPECT_FALSE(forward.ok()) << "the VM actor failed on it";
  ASSERT_TRUE(eventually([&] { return host->adoptions() == 1; }, std::chrono::seconds(10)))
      << "the manager had its qemu taken over";
  EXPECT_EQ(host->running(), std::vector<std::int64_t>{fake_vm_host::first_pid});
  ASSERT_TRUE(host->crash(fake_vm_host::first_pid, SIGKILL));
  ASSERT_TRUE(story_is(crash_and_restart))
      << joined(story());
}

// Restart timing on a clock that moves only when the test moves it (fake_clock.hpp): a restart
// comes exactly when its event says it is due, not a microsecond before; the delay doubles with
// each restart in the window, up to its cap; past the limit the policy gives up.
struct vm_lifecycle_timed : vm_lifecycle {
  void SetUp() override {
    policy = {domain::restart_mode::on_failure, 3, 60, 1000, 1500};
    clock = std::make_shared<fake_clock>(std::chrono::duration_cast<std::chrono::microseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    vm_lifecycle::SetUp();
  }
  std::size_t count(const std::string& type) const {
    auto s = story();
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), type));
  }
  // Crashes the running qemu `pid`, then checks the restart that follows: scheduled `delay_ms`
  // after its event, as attempt `attempt`; nothing happens until the clock reaches its due time,
  // and qemu runs again (as pid + 1) once it does.
  void crash_and_expect_restart(std::int64_t pid, std::uint64_t delay_ms, unsigned attempt) {
    auto scheduled_before = count("instance.restart_scheduled");
    ASSERT_TRUE(host->crash(pid, SIGKILL));
    ASSERT_TRUE(eventually([&] { return count("instance.restart_scheduled") == scheduled_before + 1; },
                           std::chrono::seconds(10)))
        << joined(story());
    auto scheduled = last_of("instance.restart_scheduled");
    EXPECT_EQ(scheduled.payload["delay_ms"], delay_ms);
    EXPECT_EQ(scheduled.payload["attempt"], attempt);
    const std::int64_t due = scheduled.time_us + static_cast<std::int64_t>(delay_ms) * 1000;
    ASSERT_TRUE(eventually([&] { return clock->pending() == std::vector<std::int64_t>{due}; }, std::chrono::seconds(10)))
        << "one timer, at the event's time plus its delay";
    auto launches = host->launches();
    auto story_then = story();
    clock->set_now(due - 1);
    EXPECT_EQ(clock->pending(), std::vector<std::int64_t>{due}) << "not due yet";
    EXPECT_EQ(host->launches(), launches);
    EXPECT_EQ(story(), story_then);
    clock->set_now(due);
    ASSERT_TRUE(eventually([&] { return story().back() == "instance.restarted"; }, std::chrono::seconds(10)))
        << joined(story());
    EXPECT_EQ(host->launches(), launches + 1);
    EXPECT_EQ(host->running(), std::vector<std::int64_t>{pid + 1});
    EXPECT_TRUE(clock->pending().empty());
  }
};

TEST_F(vm_lifecycle_timed, issue_18_a_restart_comes_when_the_policy_says_and_not_before) {
  server srv;
  spawn(srv);
  ASSERT_TRUE(start(srv.sys, srv.sup).ok());
  crash_and_expect_restart(fake_vm_host::first_pid, 1000, 1);
  crash_and_expect_restart(fake_vm_host::first_pid + 1, 1500, 2);  // doubled, then capped at 1.5 s
  crash_and_expect_restart(fake_vm_host::first_pid + 2, 1500, 3);
  // A fourth failure within the window is past the limit of 3: no timer, the instance has failed.
  ASSERT_TRUE(host->crash(fake_vm_host::first_pid + 3, SIGKILL));
  ASSERT_TRUE(eventually([&] { return story().back() == "instance.gave_up"; }, std::chrono::seconds(10)))
      << joined(story());
  EXPECT_TRUE(clock->pending().empty());
  EXPECT_EQ(get(srv.sys, srv.sup)["state"], "failed");
  EXPECT_TRUE(host->running().empty());
}

}  // namespace
}  // namespace kaso::actors
