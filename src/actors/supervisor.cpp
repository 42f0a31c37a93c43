#include "actors/supervisor.hpp"

#include <spdlog/spdlog.h>

#include "actors/identity_manager.hpp"
#include "domain/rebuild.hpp"
#include "events/event_store.hpp"

namespace kaso::actors {
namespace {

struct supervisor_state {
  events::event_store* store = nullptr;
  image_settings images_settings;
  instance_settings instances_settings;
  identity_manager_actor identities;
  image_manager_actor images;
  instance_manager_actor instances;
  static inline const char* name = "supervisor";
};

using supervisor_ptr = supervisor_actor::stateful_pointer<supervisor_state>;

// The children, as (name, handle) for what treats them alike.
template <class F>
void for_each_child(supervisor_state& st, F f) {
  f("identity manager", st.identities);
  f("image manager", st.images);
  f("instance manager", st.instances);
}

// Starts (or starts again) the child `handle` names from the read model `from`, and monitors it.
void start_child(supervisor_ptr self, identity_manager_actor& handle, const domain::state& from) {
  handle = spawn_identity_manager(self->home_system(), *self->state.store, from.identities);
  self->monitor(handle);
}
void start_child(supervisor_ptr self, image_manager_actor& handle, const domain::state& from) {
  handle = spawn_image_manager(self->home_system(), *self->state.store, self->state.images_settings, from.images);
  self->monitor(handle);
}
void start_child(supervisor_ptr self, instance_manager_actor& handle, const domain::state& from) {
  handle = spawn_instance_manager(self->home_system(), *self->state.store, instance_manager_peers{self},
                                  self->state.instances_settings, from.machines);
  self->monitor(handle);
}

// A child that died abnormally is started again from the log; one that ended normally is not.
void on_child_down(supervisor_ptr self, const caf::down_msg& down) {
  if (down.reason == caf::exit_reason::normal || down.reason == caf::exit_reason::user_shutdown) return;
  for_each_child(self->state, [&](const char* name, auto& handle) {
    if (down.source != handle.address()) return;
    spdlog::warn("{} failed ({}); restarting it from the event log", name, caf::to_string(down.reason));
    auto rebuilt = domain::rebuild(*self->state.store);
    if (!rebuilt.ok()) {
      spdlog::error("cannot rebuild the {}: {}", name, rebuilt.error().to_string());
      self->quit(down.reason);
      return;
    }
    start_child(self, handle, rebuilt.value());
  });
}

// ---- routing: derived from the interfaces --------------------------------------------------

// The child whose interface holds the message signature Sig: exactly one does.
template <class Sig>
auto& owner_of(supervisor_state& st) {
  constexpr bool identities = caf::detail::tl_contains<identity_manager_actor::signatures, Sig>::value;
  constexpr bool images = caf::detail::tl_contains<image_manager_actor::signatures, Sig>::value;
  constexpr bool instances = caf::detail::tl_contains<instance_manager_actor::signatures, Sig>::value;
  static_assert(int{identities} + int{images} + int{instances} == 1, "a message has exactly one owner");
  if constexpr (identities) {
    return st.identities;
  } else if constexpr (images) {
    return st.images;
  } else {
    return st.instances;
  }
}

// The handler of one signature: the message goes to its owner, which answers the sender directly.
template <class Sig>
struct forward;

template <class... In, class... Out>
struct forward<caf::typed_mpi<caf::detail::type_list<In...>, caf::output_tuple<Out...>>> {
  using sig = caf::typed_mpi<caf::detail::type_list<In...>, caf::output_tuple<Out...>>;
  static auto to_owner(supervisor_ptr self) {
    return [self](In&... xs) -> caf::delegated<Out...> {
      return self->delegate(owner_of<sig>(self->state), std::move(xs)...);
    };
  }
};

template <class... Sigs>
supervisor_actor::behavior_type route(supervisor_ptr self, caf::detail::type_list<Sigs...>) {
  return {forward<Sigs>::to_owner(self)...};
}

supervisor_actor::behavior_type supervisor(supervisor_ptr self, events::event_store* store, image_settings images,
                                           instance_settings instances, domain::state initial) {
  auto& st = self->state;
  st.store = store;
  st.images_settings = std::move(images);
  st.instances_settings = std::move(instances);
  for_each_child(st, [&](const char*, auto& handle) { start_child(self, handle, initial); });
  self->set_down_handler([self](caf::down_msg& down) { on_child_down(self, down); });
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for_each_child(self->state, [&](const char*, auto& handle) { self->send_exit(handle, msg.reason); });
    self->quit(msg.reason);
  });
  return route(self, supervisor_actor::signatures{});
}

}  // namespace

supervisor_actor spawn_supervisor(caf::actor_system& sys, events::event_store& store, image_settings images,
                                  instance_settings instances, domain::state initial) {
  return sys.spawn(supervisor, &store, std::move(images), std::move(instances), std::move(initial));
}

}  // namespace kaso::actors
