#include "actors/supervisor.hpp"

#include <spdlog/spdlog.h>

#include "actors/identity_manager.hpp"
#include "actors/image_manager.hpp"
#include "actors/instance_manager.hpp"
#include "actors/messages.hpp"
#include "domain/rebuild.hpp"
#include "events/event_store.hpp"

namespace kaso::actors {
namespace {

// A supervised child: how to start it from a read model, and its current handle.
struct child {
  std::string name;
  std::function<caf::actor(const domain::state&)> start;
  caf::actor handle;
};

struct supervisor_state {
  events::event_store* store = nullptr;
  std::vector<child> children;
  static inline const char* name = "supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

void start_child(supervisor_actor* self, child& c, const domain::state& from) {
  c.handle = c.start(from);
  self->monitor(c.handle);
}

// A child that died abnormally is started again from the log; one that ended normally is not.
void on_child_down(supervisor_actor* self, const caf::down_msg& down) {
  auto& st = self->state;
  for (auto& c : st.children) {
    if (down.source != c.handle) continue;
    if (down.reason == caf::exit_reason::normal || down.reason == caf::exit_reason::user_shutdown) return;
    spdlog::warn("{} failed ({}); restarting it from the event log", c.name, caf::to_string(down.reason));
    auto rebuilt = domain::rebuild(*st.store);
    if (!rebuilt.ok()) {
      spdlog::error("cannot rebuild {}: {}", c.name, rebuilt.error().to_string());
      self->quit(down.reason);
      return;
    }
    start_child(self, c, rebuilt.value());
    return;
  }
}

caf::behavior supervisor(supervisor_actor* self, events::event_store* store, image_settings images,
                         instance_settings instances, domain::state initial) {
  auto& st = self->state;
  st.store = store;
  auto& sys = self->home_system();
  st.children.push_back({"identity manager", [&sys, store](const domain::state& s) {
                           return spawn_identity_manager(sys, *store, s.identities);
                         }});
  st.children.push_back({"image manager", [&sys, store, images](const domain::state& s) {
                           return spawn_image_manager(sys, *store, images, s.images);
                         }});
  st.children.push_back({"instance manager", [self, &sys, store, instances](const domain::state& s) {
                           return spawn_instance_manager(sys, *store, caf::actor_cast<caf::actor>(self), instances,
                                                         s.machines);
                         }});
  for (auto& c : st.children) start_child(self, c, initial);
  self->set_down_handler([self](caf::down_msg& down) { on_child_down(self, down); });
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& c : self->state.children) self->send_exit(c.handle, msg.reason);
    self->quit(msg.reason);
  });
  // Which child owns a read model named in list/get requests.
  auto owner = [self](const std::string& what) -> const caf::actor& {
    if (what == "identities") return self->state.children[0].handle;
    if (what == "networks" || what == "instances") return self->state.children[2].handle;
    return self->state.children[1].handle;
  };
  auto identities = [self]() -> const caf::actor& { return self->state.children[0].handle; };
  auto images_ = [self]() -> const caf::actor& { return self->state.children[1].handle; };
  auto machines = [self]() -> const caf::actor& { return self->state.children[2].handle; };
  return {
      [=](domain::create_identity& c, events::cause& w) { return self->delegate(identities(), std::move(c), std::move(w)); },
      [=](domain::modify_identity& c, events::cause& w) { return self->delegate(identities(), std::move(c), std::move(w)); },
      [=](domain::remove_identity& c, events::cause& w) { return self->delegate(identities(), std::move(c), std::move(w)); },
      [=](domain::start_image_task& c, events::cause& w) { return self->delegate(images_(), std::move(c), std::move(w)); },
      [=](domain::modify_image& c, events::cause& w) { return self->delegate(images_(), std::move(c), std::move(w)); },
      [=](domain::remove_image& c, events::cause& w) { return self->delegate(images_(), std::move(c), std::move(w)); },
      [=](domain::cancel_task& c, events::cause& w) { return self->delegate(images_(), std::move(c), std::move(w)); },
      [=](domain::create_network& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](domain::modify_network& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](domain::remove_network& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](instance_request& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](domain::modify_instance& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](domain::add_forward& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](domain::remove_forward& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](domain::add_mount& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](domain::remove_mount& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](remove_instance_request& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](start_atom a, std::string& ref, events::cause& w) { return self->delegate(machines(), a, std::move(ref), std::move(w)); },
      [=](stop_request& c, events::cause& w) { return self->delegate(machines(), std::move(c), std::move(w)); },
      [=](restart_atom a, stop_request& c, events::cause& w) { return self->delegate(machines(), a, std::move(c), std::move(w)); },
      [=](reserve_atom a, std::string& ref, std::uint64_t id) { return self->delegate(images_(), a, std::move(ref), id); },
      [=](release_atom a, std::uint64_t id) { self->send(images_(), a, id); },
      [=](durable_atom a, events::event& e) { self->send(images_(), a, std::move(e)); },
      [=](records_atom a, identity_refs& refs) { return self->delegate(identities(), a, std::move(refs)); },
      [=](list_atom a, std::string& what) { return self->delegate(owner(what), a, std::move(what)); },
      [=](get_atom a, std::string& what, std::string& ref) {
        return self->delegate(owner(what), a, std::move(what), std::move(ref));
      },
      [=](fail_atom a, const std::string& what) { return self->delegate(owner(what), a); },
  };
}

}  // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, events::event_store& store, image_settings images,
                            instance_settings instances, domain::state initial) {
  return sys.spawn(supervisor, &store, std::move(images), std::move(instances), std::move(initial));
}

}  // namespace kaso::actors
