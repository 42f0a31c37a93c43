// The typed interfaces of Kaso Mashin's actors, in one place (issue #18). A typed actor alias *is*
// the interface: a request that no actor's interface holds does not compile, and a handler missing
// from a behavior does not compile either.
//
//   supervisor_actor = identity_manager_actor + image_manager_actor + instance_manager_actor
//       what adapters (the HTTP handlers) may send; the supervisor forwards each message to the
//       one child whose interface holds it (supervisor.cpp derives that from these lists: there
//       is no hand-written router, and a message two children claim does not compile)
//   each manager's *_impl = its public interface + what only its own helpers send it
//       (appended events, workers' reports, VM actors' reports, timers)
//   vm_observer_actor: what a VM actor tells its manager, unasked
//   instance_manager_peers: what the instance manager asks of the others (through the supervisor)
//
// Read models are named by a tag type (instances_atom, ...), not a string, so that list and get
// are routed by type. Commands carry the cause (events::cause) of the events they lead to.
// Include only in actor and adapter .cpp files: it pulls in CAF.
#pragma once

#include "actors/messages.hpp"

namespace kaso::actors {

template <class... Is>
using replies_to = caf::replies_to<Is...>;
template <class... Is>
using reacts_to = caf::reacts_to<Is...>;
using events_result = result<std::vector<events::event>>;

// ---- identities -----------------------------------------------------------------------------

using identity_manager_actor = caf::typed_actor<
    replies_to<domain::create_identity, events::cause>::with<json_text>,
    replies_to<domain::modify_identity, events::cause>::with<json_text>,
    replies_to<domain::remove_identity, events::cause>::with<json_text>,
    replies_to<records_atom, identity_refs>::with<identity_records>,
    reacts_to<durable_atom, identities_atom, events::event>,  // an instance event (for used_by)
    replies_to<list_atom, identities_atom>::with<json_text>,
    replies_to<get_atom, identities_atom, std::string>::with<json_text>,
    reacts_to<fail_atom, identities_atom>>;

using identity_manager_impl = identity_manager_actor::extend<reacts_to<appended_atom, std::uint64_t, events_result>>;

// ---- images and their tasks ------------------------------------------------------------------

using image_manager_actor = caf::typed_actor<
    replies_to<domain::start_image_task, events::cause>::with<json_text>,
    replies_to<domain::modify_image, events::cause>::with<json_text>,
    replies_to<domain::remove_image, events::cause>::with<json_text>,
    replies_to<domain::cancel_task, events::cause>::with<json_text>,
    // An image promised to the instance being created (by id), until its instance.created is
    // durable (durable_atom) or its creation is abandoned (release_atom).
    replies_to<reserve_atom, std::string, std::uint64_t>::with<domain::image_facts>,
    reacts_to<release_atom, std::uint64_t>,
    reacts_to<durable_atom, images_atom, events::event>,  // an instance event (for used_by)
    replies_to<list_atom, images_atom>::with<json_text>,
    replies_to<list_atom, tasks_atom>::with<json_text>,
    replies_to<get_atom, images_atom, std::string>::with<json_text>,
    replies_to<get_atom, tasks_atom, std::string>::with<json_text>,
    replies_to<get_atom, catalogue_atom, std::string>::with<json_text>,  // by CPU architecture
    reacts_to<fail_atom, images_atom>>;

// What a task's worker reports: progress (done, total, bytes per second), then the outcome.
using image_worker_sink = caf::typed_actor<
    reacts_to<progress_atom, std::uint64_t, std::uint64_t, std::uint64_t, double>,
    reacts_to<done_atom, std::uint64_t, result<images::fetched_image>>>;

using image_manager_impl = image_manager_actor::extend_with<image_worker_sink>::extend<
    reacts_to<appended_atom, std::uint64_t, events_result>>;

// ---- networks and instances ------------------------------------------------------------------

using instance_manager_actor = caf::typed_actor<
    replies_to<domain::create_network, events::cause>::with<json_text>,
    replies_to<domain::modify_network, events::cause>::with<json_text>,
    replies_to<domain::remove_network, events::cause>::with<json_text>,
    replies_to<instance_request, events::cause>::with<json_text>,
    replies_to<domain::modify_instance, events::cause>::with<json_text>,
    replies_to<domain::add_forward, events::cause>::with<json_text>,
    replies_to<domain::remove_forward, events::cause>::with<json_text>,
    replies_to<domain::add_mount, events::cause>::with<json_text>,
    replies_to<domain::remove_mount, events::cause>::with<json_text>,
    replies_to<remove_instance_request, events::cause>::with<json_text>,
    replies_to<start_atom, std::string, events::cause>::with<json_text>,
    replies_to<stop_request, events::cause>::with<json_text>,
    replies_to<restart_atom, stop_request, events::cause>::with<json_text>,
    replies_to<list_atom, networks_atom>::with<json_text>,
    replies_to<list_atom, instances_atom>::with<json_text>,
    replies_to<get_atom, networks_atom, std::string>::with<json_text>,
    replies_to<get_atom, instances_atom, std::string>::with<json_text>,
    reacts_to<fail_atom, instances_atom>>;

// What a VM actor tells its manager unasked (vm_actor.hpp says when).
using vm_observer_actor = caf::typed_actor<
    reacts_to<exited_atom, std::uint64_t, int, int, std::string>,  // id, exit code, signal, shutdown reason
    reacts_to<phone_home_atom, std::uint64_t, domain::phone_home_report>,
    reacts_to<ip_atom, std::uint64_t, std::string>,
    reacts_to<stage_atom, std::uint64_t, std::string>,
    reacts_to<ready_atom, std::uint64_t>>;

using instance_manager_impl = instance_manager_actor::extend_with<vm_observer_actor>::extend<
    reacts_to<appended_atom, std::uint64_t, events_result>,
    // A scheduled restart is due: instance id, attempt, the cause its events get.
    reacts_to<restart_atom, std::uint64_t, unsigned, events::cause>>;

// ---- the root ----------------------------------------------------------------------------------

using supervisor_actor = identity_manager_actor::extend_with<image_manager_actor, instance_manager_actor>;

// What the instance manager asks of the image and identity managers, through the supervisor.
using instance_manager_peers = caf::typed_actor<
    replies_to<reserve_atom, std::string, std::uint64_t>::with<domain::image_facts>,
    reacts_to<release_atom, std::uint64_t>,
    reacts_to<durable_atom, images_atom, events::event>,
    reacts_to<durable_atom, identities_atom, events::event>,
    replies_to<records_atom, identity_refs>::with<identity_records>>;

// Whether `Handle`'s interface accepts the message (Ts...): what a typed request checks.
template <class Handle, class... Ts>
inline constexpr bool accepts =
    caf::response_type<caf::signatures_of_t<Handle>, caf::detail::implicit_conversions_t<std::decay_t<Ts>>...>::valid;

}  // namespace kaso::actors
