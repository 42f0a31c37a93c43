// The messages between Kaso Mashin's actors and the adapters that talk to them (the HTTP
// handlers). Actor messages never leave the process (the event log is the serialized form), so
// domain structs travel as local-only message types. Errors travel as caf::error of category
// "kaso" carrying our errc and message; to_caf/from_caf are the only conversions.
//
// Include this only in actor and adapter .cpp files: it pulls in CAF.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "domain/identity.hpp"
#include "domain/image.hpp"
#include "domain/instance.hpp"
#include "domain/network.hpp"
#include "actors/timeouts.hpp"
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
CAF_ADD_ATOM(kaso, kaso::actors, start_atom, "start")
CAF_ADD_ATOM(kaso, kaso::actors, stop_atom, "stop")
CAF_ADD_ATOM(kaso, kaso::actors, restart_atom, "restart")
CAF_ADD_ATOM(kaso, kaso::actors, exited_atom, "exited")
CAF_ADD_ATOM(kaso, kaso::actors, reserve_atom, "reserve")
CAF_ADD_ATOM(kaso, kaso::actors, release_atom, "release")
CAF_ADD_ATOM(kaso, kaso::actors, durable_atom, "durable")
CAF_ADD_ATOM(kaso, kaso::actors, phone_home_atom, "phonehome")
CAF_ADD_ATOM(kaso, kaso::actors, ip_atom, "ip")
CAF_ADD_ATOM(kaso, kaso::actors, records_atom, "records")
CAF_ADD_ATOM(kaso, kaso::actors, adopt_atom, "adopt")
CAF_ADD_ATOM(kaso, kaso::actors, ready_atom, "ready")
CAF_ADD_ATOM(kaso, kaso::actors, stage_atom, "stage")
CAF_ADD_ATOM(kaso, kaso::actors, forward_atom, "forward")
CAF_ADD_ATOM(kaso, kaso::actors, run_atom, "run")
// The read models, as named in list and get (protocols.hpp).
CAF_ADD_ATOM(kaso, kaso::actors, identities_atom, "identities")
CAF_ADD_ATOM(kaso, kaso::actors, images_atom, "images")
CAF_ADD_ATOM(kaso, kaso::actors, tasks_atom, "tasks")
CAF_ADD_ATOM(kaso, kaso::actors, catalogue_atom, "catalogue")
CAF_ADD_ATOM(kaso, kaso::actors, networks_atom, "networks")
CAF_ADD_ATOM(kaso, kaso::actors, instances_atom, "instances")
CAF_END_TYPE_ID_BLOCK(kaso)

namespace kaso::actors {
// Serialized JSON shared between an actor's cache and the adapters that send it out.
using json_text = std::shared_ptr<const std::string>;

// `kaso instance create` as the API received it: references not yet resolved, defaults not yet
// applied (the instance manager does both).
struct instance_request {
  std::string name;
  std::optional<unsigned> vcpu;
  std::optional<std::uint64_t> ram_mb, disk_size;
  std::optional<std::string> display;
  std::optional<domain::bootstrapper> bootstrapper;
  std::string network, image;
  std::vector<std::string> identities;
  bool no_identity = false;  // none on purpose (else an instance with cloud-init needs one)
  std::string static_ip4;
  bool autostart = false;
  domain::restart_policy restart;  // checked by the decider
  std::string user_data;           // the user's own cloud-init, checked by the API (bootstrap/user_data.hpp)
  std::string user_data_kind;      // "cloud-config" or "script"; "" without user_data
  std::vector<domain::port_forward> forwards;
  std::vector<domain::guest_mount> mounts;  // host directories checked by the API with the caller's rights
};
struct remove_instance_request {
  std::string ref;
  bool force = false;
};
struct stop_request {
  std::string ref;
  bool force = false;
  unsigned timeout_s = 60;
};
// Identities by reference, for an instance's guest configuration.
struct identity_refs {
  std::vector<std::string> refs;
};
using identity_records = std::vector<domain::identity>;
}  // namespace kaso::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::actors::json_text)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::status)
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
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::events::event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::create_network)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::modify_network)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::remove_network)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::modify_instance)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::add_forward)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::remove_forward)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::add_mount)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::remove_mount)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::image_facts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::domain::phone_home_report)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::actors::instance_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::actors::remove_instance_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::actors::stop_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::actors::identity_refs)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kaso::actors::identity_records)

namespace kaso::actors {

// Every request between actors, and from an adapter to an actor, waits at most this long unless
// timeouts.hpp gives it a bound of its own.
inline constexpr auto request_timeout = timeouts::request;

caf::error to_caf(const kaso::error& e);
kaso::error from_caf(const caf::error& e);

}  // namespace kaso::actors
