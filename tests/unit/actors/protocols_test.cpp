// The typed interfaces (issue #18): what the supervisor accepts is exactly what its children do,
// read models are named by type, and what only an actor's own helpers send it is not reachable
// from outside. These are compile-time facts; the test fails to build when one breaks.
#include "actors/protocols.hpp"

#include <gtest/gtest.h>

namespace kaso::actors {
namespace {

template <class List>
constexpr std::size_t size_of = caf::detail::tl_size<List>::value;

TEST(protocols, issue_18_the_supervisor_accepts_exactly_what_its_children_do) {
  static_assert(size_of<supervisor_actor::signatures> ==
                size_of<identity_manager_actor::signatures> + size_of<image_manager_actor::signatures> +
                    size_of<instance_manager_actor::signatures>);
  static_assert(accepts<supervisor_actor, domain::create_identity, events::cause>);
  static_assert(accepts<supervisor_actor, list_atom, instances_atom>);
  static_assert(accepts<supervisor_actor, get_atom, tasks_atom, std::string>);
  static_assert(accepts<supervisor_actor, start_atom, std::string, events::cause>);
  static_assert(accepts<supervisor_actor, reserve_atom, std::string, std::uint64_t>);
  // The stringly form the supervisor used to route by hand is no message of anyone's.
  static_assert(!accepts<supervisor_actor, list_atom, std::string>);
  static_assert(!accepts<supervisor_actor, get_atom, std::string, std::string>);
  // Messages between an actor and its own helpers are not part of the root's interface.
  static_assert(!accepts<supervisor_actor, appended_atom, std::uint64_t, events_result>);
  static_assert(!accepts<supervisor_actor, exited_atom, std::uint64_t, int, int, std::string>);
  static_assert(!accepts<supervisor_actor, restart_atom, std::uint64_t, unsigned, events::cause>);
  static_assert(accepts<instance_manager_impl, restart_atom, std::uint64_t, unsigned, events::cause>);
  // A VM actor reaches its manager only with reports.
  static_assert(accepts<vm_observer_actor, ready_atom, std::uint64_t>);
  static_assert(!accepts<vm_observer_actor, stop_request, events::cause>);
  SUCCEED();
}

TEST(protocols, issue_18_the_instance_manager_asks_only_what_the_supervisor_accepts) {
  // The supervisor's handle converts to what the instance manager needs (a subset), checked by CAF.
  static_assert(caf::detail::tl_subset_of<instance_manager_peers::signatures, supervisor_actor::signatures>::value);
  static_assert(caf::detail::tl_subset_of<vm_observer_actor::signatures, instance_manager_impl::signatures>::value);
  static_assert(!caf::detail::tl_subset_of<vm_observer_actor::signatures, supervisor_actor::signatures>::value);
  SUCCEED();
}

}  // namespace
}  // namespace kaso::actors
