// The identity manager: the one actor that decides identity commands and owns the identities read
// model. Spawned by the supervisor; reached through it.
//
// Protocol (identity_manager_actor in protocols.hpp; requests answered with the API's JSON text
// or a caf::error of category "kaso"):
//   (create_identity, cause)  -> identity        decide, append, reply once durable
//   (modify_identity, cause)  -> identity
//   (remove_identity, cause)  -> {removed: identity as it was}
//   (records_atom, refs)      -> the identities, for an instance's guest configuration
//   (durable_atom, identities_atom, event)       an instance event made durable (for used_by)
//   (list_atom, identities_atom) -> json_text    the API's list, cached until the next change
//   (get_atom, identities_atom, ref) -> identity
//   (fail_atom, identities_atom)                 test hook: the actor fails (supervision)
//
// Commands go through a command_pipeline (see there: group commit, durable reads, nothing
// appended for a refused command).
#pragma once

#include "actors/protocols.hpp"
#include "domain/identity.hpp"

namespace kaso::events {
class event_store;
}

namespace kaso::actors {

// REQUIRES: `store` outlives the actor.
identity_manager_actor spawn_identity_manager(caf::actor_system& sys, events::event_store& store,
                                              domain::identities initial);

}  // namespace kaso::actors
