// Issue #18: the instance lifecycle on CAF's test coordinator. Every actor (supervisor, managers,
// VM actors, workers) runs on the test's thread, one message at a time, and only when the test
// runs the scheduler; the event log writes inline (event_store::mode::read_write_inline), the host
// is the fake (fake_vm_host.hpp) and time the fake clock (fake_clock.hpp). So nothing here waits:
// after each step the test runs every actor until all are idle and checks what the log holds and
// what the fake host runs. The same scenarios run on the threaded scheduler in vm_lifecycle_test.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include <caf/scheduler/test_coordinator.hpp>

#include "actors/blocking.hpp"
#include "actors/supervisor.hpp"
#include "domain/rebuild.hpp"
#include "fake_clock.hpp"
#include "fake_vm_host.hpp"
#include "vm1_log.hpp"

namespace kaso::actors {
namespace {

namespace fs = std::filesystem;
using testing::fake_vm_host;
using testing::story_of;

using story = std::vector<std::string>;

// One server's actor tree on an actor system run by the test coordinator.
class stepped_server {
 public:
  stepped_server(events::event_store& store, instance_settings settings) {
    cfg_.set("scheduler.policy", caf::atom("testing"));
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(sys_->scheduler());
    sup_ = spawn_supervisor(*sys_, store, image_settings{{}, {}, images::cpu_arch::x86_64}, std::move(settings),
                            domain::rebuild(store).value());
    settle();
  }
  ~stepped_server() {
    caf::anon_send_exit(sup_, caf::exit_reason::user_shutdown);
    settle();
  }
  stepped_server(const stepped_server&) = delete;

  // Runs every actor until none has a message left.
  void settle() { sched_->run(); }

  // Sends the request, runs the actors until idle, and takes the answer (an error when none came:
  // with every actor idle, none will).
  template <class... Ts>
  result<json_text> call(Ts&&... xs) {
    caf::scoped_actor self{*sys_};
    auto pending = self->request(sup_, request_timeout, std::forward<Ts>(xs)...);
    settle();
    if (self->mailbox().empty()) return error::internal("no answer once every actor was idle");
    std::optional<result<json_text>> out;
    std::move(pending).receive([&](json_text& r) { out.emplace(std::move(r)); },
                               [&](caf::error& e) { out.emplace(from_caf(e)); });
    return std::move(*out);
  }

  template <class... Ts>
  void tell(Ts&&... xs) {
    caf::anon_send(sup_, std::forward<Ts>(xs)...);
    settle();
  }

  caf::actor_system& system() { return *sys_; }

 private:
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
  supervisor_actor sup_;
};

struct deterministic_lifecycle : ::testing::Test {
  fs::path dir;
  std::unique_ptr<events::event_store> store;
  std::shared_ptr<fake_vm_host> host = std::make_shared<fake_vm_host>();
  // Starts at the system's time (the log's events carry the store's times) and stays there.
  std::shared_ptr<fake_clock> clock = std::make_shared<fake_clock>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  events::cause who{1000, 42, "unix"};

  void SetUp() override {
    char tmpl[] = "/tmp/kaso-stepped-XXXXXX";
    dir = mkdtemp(tmpl);
    store = events::event_store::open(dir / "events", events::event_store::mode::read_write_inline).value();
    ASSERT_TRUE(store->append(testing::vm1_created(dir, 0, {domain::restart_mode::on_failure, 3, 60, 1000, 1500})).ok());
    fs::create_directories(dir / "instances" / "vm1");
  }
  void TearDown() override {
    store.reset();
    fs::remove_all(dir);
  }
  instance_settings settings() const {
    instance_settings s;
    s.instances_dir = dir / "instances";
    s.predefine_networks = false;
    s.host = {2, 4096};
    s.vm_host = host;
    s.clock = clock;
    return s;
  }
  static nlohmann::json json_of(const result<json_text>& r) { return r.ok() ? nlohmann::json::parse(*r.value()) : nullptr; }
  nlohmann::json get(stepped_server& srv) { return json_of(srv.call(get_atom_v, instances_atom_v, std::string("vm1"))); }
};

TEST_F(deterministic_lifecycle, issue_18_runs_every_actor_on_the_test_coordinator) {
  stepped_server srv(*store, settings());
  EXPECT_TRUE(deterministic(srv.system()));
  auto started = json_of(srv.call(start_atom_v, std::string("vm1"), who));
  EXPECT_EQ(started["state"], "running");
  EXPECT_EQ(started["pid"], fake_vm_host::first_pid);
  EXPECT_EQ(story_of(*store), (story{"instance.starting", "instance.started"}));
  auto stopped = json_of(srv.call(stop_request{"vm1", false, 5}, who));
  EXPECT_EQ(stopped["state"], "stopped");
  EXPECT_EQ(story_of(*store), (story{"instance.starting", "instance.started", "instance.stopping", "instance.stopped"}));
  EXPECT_TRUE(host->running().empty());
}

TEST_F(deterministic_lifecycle, issue_18_a_crash_is_restarted_when_its_time_comes) {
  stepped_server srv(*store, settings());
  ASSERT_TRUE(srv.call(start_atom_v, std::string("vm1"), who).ok());
  ASSERT_TRUE(host->crash(fake_vm_host::first_pid, SIGKILL));
  srv.settle();
  EXPECT_EQ(story_of(*store), (story{"instance.starting", "instance.started", "instance.crashed",
                                     "instance.restart_scheduled"}));
  auto scheduled = testing::last_of(*store, "instance.restart_scheduled");
  const std::int64_t due = scheduled.time_us + 1000 * 1000;
  ASSERT_EQ(clock->pending(), std::vector<std::int64_t>{due});
  clock->set_now(due - 1);
  srv.settle();
  EXPECT_EQ(host->launches(), 1u) << "not due yet";
  clock->set_now(due);
  srv.settle();
  EXPECT_EQ(story_of(*store).back(), "instance.restarted");
  EXPECT_EQ(host->running(), std::vector<std::int64_t>{fake_vm_host::first_pid + 1});
  EXPECT_EQ(get(srv)["restart"]["restarts"], 1);
}

TEST_F(deterministic_lifecycle, issue_18_a_new_server_adopts_the_running_qemu_and_hears_its_end) {
  {
    stepped_server first(*store, settings());
    ASSERT_TRUE(first.call(start_atom_v, std::string("vm1"), who).ok());
  }
  EXPECT_EQ(host->running(), std::vector<std::int64_t>{fake_vm_host::first_pid}) << "qemu outlives its server";
  stepped_server second(*store, settings());
  EXPECT_EQ(host->adoptions(), 1u);
  EXPECT_EQ(get(second)["state"], "running");
  ASSERT_TRUE(host->crash(fake_vm_host::first_pid, SIGKILL));
  second.settle();
  EXPECT_EQ(story_of(*store).back(), "instance.restart_scheduled") << "the adopted qemu's end was heard";
}

TEST_F(deterministic_lifecycle, issue_18_a_failed_instance_manager_comes_back_and_takes_over_its_qemu) {
  stepped_server srv(*store, settings());
  ASSERT_TRUE(srv.call(start_atom_v, std::string("vm1"), who).ok());
  srv.tell(fail_atom_v, instances_atom_v);
  EXPECT_EQ(host->adoptions(), 1u);
  EXPECT_EQ(host->running(), std::vector<std::int64_t>{fake_vm_host::first_pid});
  auto stopped = json_of(srv.call(stop_request{"vm1", false, 5}, who));
  EXPECT_EQ(stopped["state"], "stopped") << "the new manager's VM actor stops it";
  EXPECT_TRUE(host->running().empty());
}

}  // namespace
}  // namespace kaso::actors
