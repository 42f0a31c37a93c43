// Helpers shared by instance.cpp (definition, the fold's table, views), instance_lifecycle.cpp
// (the lifecycle deciders and how each lifecycle event changes an instance),
// instance_forwards.cpp and instance_mounts.cpp. Private to src/domain.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/event_types/instance.hpp"
#include "domain/instance.hpp"

namespace kaso::domain::detail {

inline result<const instance*> existing(const machines& s, std::string_view ref) {
  const instance* i = s.instances.resolve(ref);
  if (i == nullptr) return error::not_found("instance '" + std::string(ref) + "' does not exist");
  return i;
}

inline result<const instance*> existing(const machines& s, std::uint64_t id) {
  const instance* i = s.instances.find(id);
  if (i == nullptr) return error::not_found("instance " + std::to_string(id) + " does not exist");
  return i;
}

// How each event after instance.created changes an existing instance (the fold's table in
// instance.cpp finds the instance and sets its version and time). `e` is the envelope: its time,
// its cause.
void apply(instance& i, const instance_starting& ev, const events::event& e);
void apply(instance& i, const instance_started& ev, const events::event& e);
void apply(instance& i, const instance_restarted& ev, const events::event& e);
void apply(instance& i, const instance_start_failed& ev, const events::event& e);
void apply(instance& i, const instance_stopping& ev, const events::event& e);
void apply(instance& i, const instance_stopped& ev, const events::event& e);
void apply(instance& i, const instance_crashed& ev, const events::event& e);
void apply(instance& i, const instance_restart_scheduled& ev, const events::event& e);
void apply(instance& i, const instance_restart_cancelled& ev, const events::event& e);
void apply(instance& i, const instance_gave_up& ev, const events::event& e);
void apply(instance& i, const instance_phoned_home& ev, const events::event& e);
void apply(instance& i, const instance_ip_reported& ev, const events::event& e);
void apply(instance& i, const instance_ready& ev, const events::event& e);
void apply(instance& i, const instance_forward_added& ev, const events::event& e);
void apply(instance& i, const instance_forward_removed& ev, const events::event& e);
void apply(instance& i, const instance_mount_added& ev, const events::event& e);
void apply(instance& i, const instance_mount_removed& ev, const events::event& e);

// instance.forward_added for each of `forwards`, versions from `first_version` on.
std::vector<events::event> forward_events(std::uint64_t id, std::uint64_t first_version,
                                          const std::vector<port_forward>& forwards);

}  // namespace kaso::domain::detail
