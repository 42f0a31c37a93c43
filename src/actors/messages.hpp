// The messages between Kaso Mashin's actors and the adapters that talk to them (the HTTP
// handlers). Actor messages never leave the process (the event log is the serialized form), so
// domain structs travel as local-only message types. Errors travel as caf::error of category
// "kaso" carrying our errc and message; to_caf/from_caf are the only conversions.
//
// Include this only in actor and adapter .cpp files: it pulls in CAF.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "domain/identity.hpp"
#include "domain/image.hpp"
#include "images/fetch.hpp"
#include "events/event.hpp"
#include "util/error.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(kaso, caf::first_custom_type_id)
CAF_ADD_ATOM(kaso, kaso::actors, list_atom, "list")
CAF_ADD_ATOM(kaso, kaso::actors, get_atom, "get")
CAF_ADD_ATOM(kaso, kaso::actors, appended_atom, "appended")
CAF_ADD_ATOM(kaso, kaso::actors, fail_atom, "fail")
CAF_ADD_ATOM(kaso, kaso::actors, progress_atom, "progress")
CAF_ADD_ATOM(kaso, kaso::actors, done_atom, "done")
CAF_END_TYPE_ID_BLOCK(kaso)

namespace kaso::actors {
// Serialized JSON shared between an actor's cache and the adapters that send it out.
using json_text = std::shared_ptr<const std::string>;
}  // namespace kaso::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::actors::json_text)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::events::cause)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::create_identity)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::modify_identity)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::remove_identity)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::result<std::vector<kaso::events::event>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::start_image_task)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::modify_image)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::remove_image)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::cancel_task)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::result<kaso::images::fetched_image>)

namespace kaso::actors {

// Every request between actors, and from an adapter to an actor, waits at most this long.
inline constexpr auto request_timeout = std::chrono::seconds(30);

caf::error to_caf(const kaso::error& e);
kaso::error from_caf(const caf::error& e);

}  // namespace kaso::actors
