// Issue #18: the VM actor is a state machine (vm_actor.hpp): before qemu runs it takes only a
// start or an adoption; once qemu runs, only a stop, a forward or qemu's end; a message that is
// not valid in its state is refused with conflict and changes nothing. Run against the fake host,
// with the test as its manager.
#include <gtest/gtest.h>

#include <csignal>

#include "actors/vm_actor.hpp"
#include "fake_vm_host.hpp"

namespace kaso::actors {
namespace {

using testing::fake_vm_host;

template <class... Rs, class... Ts>
result<std::tuple<Rs...>> request(caf::scoped_actor& self, const vm_actor_handle& vm, Ts&&... xs) {
  std::optional<result<std::tuple<Rs...>>> out;
  self->request(vm, std::chrono::seconds(10), std::forward<Ts>(xs)...)
      .receive([&](Rs&... rs) { out.emplace(std::tuple<Rs...>{rs...}); }, [&](caf::error& e) { out.emplace(from_caf(e)); });
  return std::move(*out);
}

vm_launch fake_launch() {
  vm_launch l;
  l.instance_id = 7;
  l.argv = {"qemu-system-x86_64"};
  l.qmp_socket = "/nonexistent/qmp.sock";
  return l;
}

TEST(vm_actor, issue_18_takes_only_what_is_valid_in_its_state) {
  auto host = std::make_shared<fake_vm_host>();
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor manager{sys};
  auto vm = spawn_vm_actor(sys, caf::actor_cast<vm_observer_actor>(manager), fake_launch(), host);

  auto early_stop = request<int, int, std::string>(manager, vm, stop_atom_v, std::uint32_t{0}, false);
  ASSERT_FALSE(early_stop.ok());
  EXPECT_EQ(early_stop.error().code(), errc::conflict);
  EXPECT_EQ(early_stop.error().message(), "qemu is not running");
  EXPECT_FALSE((request<bool>(manager, vm, forward_atom_v, true, std::string("tcp::8080-:80")).ok()));

  auto started = request<std::int64_t, std::uint64_t>(manager, vm, start_atom_v);
  ASSERT_TRUE(started.ok()) << started.error().to_string();
  EXPECT_EQ(std::get<0>(*started), fake_vm_host::first_pid);
  auto again = request<std::int64_t, std::uint64_t>(manager, vm, start_atom_v);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message(), "qemu runs already");
  EXPECT_FALSE((request<bool>(manager, vm, adopt_atom_v, std::int64_t{fake_vm_host::first_pid}, std::uint64_t{1}).ok()));
  EXPECT_EQ(host->launches(), 1u) << "a second start launched nothing";
  EXPECT_TRUE((request<bool>(manager, vm, forward_atom_v, true, std::string("tcp:127.0.0.1:8080-:80")).ok()));

  // qemu's end reaches the manager, with the status.
  ASSERT_TRUE(host->crash(fake_vm_host::first_pid, SIGSEGV));
  bool told = false;
  manager->receive(
      [&](exited_atom, std::uint64_t id, int code, int signal, const std::string&) {
        told = true;
        EXPECT_EQ(id, 7u);
        EXPECT_EQ(code, -1);
        EXPECT_EQ(signal, SIGSEGV);
      },
      caf::after(std::chrono::seconds(10)) >> [] {});
  EXPECT_TRUE(told);
}

TEST(vm_actor, issue_18_a_failed_start_leaves_nothing_and_ends_the_actor) {
  auto host = std::make_shared<fake_vm_host>();
  host->follow({fake_vm_host::start::exits_at_once});
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor manager{sys};
  auto vm = spawn_vm_actor(sys, caf::actor_cast<vm_observer_actor>(manager), fake_launch(), host);
  manager->monitor(vm);
  auto started = request<std::int64_t, std::uint64_t>(manager, vm, start_atom_v);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code(), errc::unavailable);
  bool ended = false;
  manager->receive([&](caf::down_msg& d) { ended = d.source == vm.address(); },
                   caf::after(std::chrono::seconds(10)) >> [] {});
  EXPECT_TRUE(ended);
  EXPECT_TRUE(host->running().empty());
}

}  // namespace
}  // namespace kaso::actors
