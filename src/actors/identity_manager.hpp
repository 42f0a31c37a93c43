// The identity manager: the one actor that decides identity commands and owns the identities read
// model. Spawned by the supervisor; reached through it.
//
// Protocol (requests answered with a reply or a caf::error of category "kaso"):
//   (create_identity, cause)  -> identity        decide, append, reply once durable
//   (modify_identity, cause)  -> identity
//   (remove_identity, cause)  -> identity        the identity as it was
//   (list_atom)               -> json_text       the API's list, cached until the next change
//   (get_atom, std::string ref) -> identity
//
// Commands are decided against the tentative state (durable + appends in flight), so concurrent
// commands share the store's group commit; reads see only durable state. A refused command
// appends nothing. If an append fails, the tentative state falls back to the durable one.
#pragma once

#include <caf/fwd.hpp>

#include "domain/identity.hpp"

namespace kaso::events {
class event_store;
}

namespace kaso::actors {

// REQUIRES: `store` outlives the actor.
caf::actor spawn_identity_manager(caf::actor_system& sys, events::event_store& store,
                                  domain::identities initial);

}  // namespace kaso::actors
