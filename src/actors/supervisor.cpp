#include "actors/supervisor.hpp"

#include <spdlog/spdlog.h>

#include "actors/identity_manager.hpp"
#include "actors/messages.hpp"
#include "domain/rebuild.hpp"
#include "events/event_store.hpp"

namespace kaso::actors {
namespace {

struct supervisor_state {
  events::event_store* store = nullptr;
  caf::actor identities;
  std::uint64_t restarts = 0;
  static inline const char* name = "supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

void start_identities(supervisor_actor* self, domain::identities initial) {
  auto child = spawn_identity_manager(self->system(), *self->state.store, std::move(initial));
  self->monitor(child);
  self->state.identities = child;
}

void on_child_down(supervisor_actor* self, const caf::down_msg& down) {
  auto& st = self->state;
  if (down.source != st.identities) return;
  if (down.reason == caf::exit_reason::normal || down.reason == caf::exit_reason::user_shutdown) {
    return;
  }
  spdlog::warn("identity manager failed ({}); restarting it from the event log",
               caf::to_string(down.reason));
  auto rebuilt = domain::rebuild(*st.store);
  if (!rebuilt.ok()) {
    spdlog::error("cannot rebuild identities: {}", rebuilt.error().to_string());
    self->quit(down.reason);
    return;
  }
  ++st.restarts;
  start_identities(self, std::move(rebuilt.value().identities));
}

caf::behavior supervisor(supervisor_actor* self, events::event_store* store, domain::state initial) {
  self->state.store = store;
  start_identities(self, std::move(initial.identities));
  self->set_down_handler([self](caf::down_msg& down) { on_child_down(self, down); });
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (self->state.identities) self->send_exit(self->state.identities, msg.reason);
    self->quit(msg.reason);
  });
  auto to_identities = [self](auto&&... xs) {
    return self->delegate(self->state.identities, std::forward<decltype(xs)>(xs)...);
  };
  return {
      [=](domain::create_identity& c, events::cause& w) { return to_identities(std::move(c), std::move(w)); },
      [=](domain::modify_identity& c, events::cause& w) { return to_identities(std::move(c), std::move(w)); },
      [=](domain::remove_identity& c, events::cause& w) { return to_identities(std::move(c), std::move(w)); },
      [=](list_atom a, const std::string& what) {
        // what: "identities" (more projections later)
        return to_identities(a);
      },
      [=](get_atom a, const std::string& what, const std::string& ref) {
        return to_identities(a, ref);
      },
      [=](fail_atom a, const std::string& what) { return to_identities(a); },
  };
}

}  // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, events::event_store& store,
                            domain::state initial) {
  return sys.spawn(supervisor, &store, std::move(initial));
}

}  // namespace kaso::actors
