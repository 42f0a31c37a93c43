// The root supervisor: parent of every long-lived actor (the identity, image and instance
// managers). Adapters send every request to the supervisor, which forwards it to the child whose
// interface holds it (protocols.hpp), so a restarted child is reached at once.
//
// Children are monitored. A child that dies abnormally is restarted from the event log (its
// projection is rebuilt by the same fold as at start); one that dies normally is not. On an exit
// message (shutdown) the supervisor sends exit to every child before it quits, so that
// ~actor_system does not wait for monitored children forever.
#pragma once

#include "actors/image_manager.hpp"
#include "actors/instance_manager.hpp"
#include "actors/protocols.hpp"
#include "domain/state.hpp"

namespace kaso::events {
class event_store;
}

namespace kaso::actors {

// REQUIRES: `store` outlives the supervisor and its children.
supervisor_actor spawn_supervisor(caf::actor_system& sys, events::event_store& store, image_settings images,
                                  instance_settings instances, domain::state initial);

}  // namespace kaso::actors
