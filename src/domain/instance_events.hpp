// Helpers shared by instance.cpp (definition, fold, views) and instance_lifecycle.cpp (the
// lifecycle deciders and their fold). Private to src/domain.
#pragma once

#include <string>
#include <string_view>

#include "domain/instance.hpp"
#include "domain/payload.hpp"

namespace kaso::domain::detail {

inline events::event make_instance_event(std::uint64_t id, std::uint64_t version, std::string type,
                                         nlohmann::json payload) {
  events::event e;
  e.kind = "instance";
  e.id = std::to_string(id);
  e.version = version;
  e.type = std::move(type);
  e.schema = 1;
  e.payload = std::move(payload);
  return e;
}

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

// payload[key] into `out` when it is there with the right type (payload.hpp).
using payload::take;

// Folds a lifecycle event (anything but created, modified and removed) into `i`.
void apply_lifecycle(instance& i, const events::event& e);

// instance.forward_added for each of `forwards`, versions from `first_version` on.
std::vector<events::event> forward_events(std::uint64_t id, std::uint64_t first_version,
                                          const std::vector<port_forward>& forwards);
// Folds instance.forward_added/removed into `i`.
void apply_forward(instance& i, const events::event& e);

// A mount as instance.created and instance.mount_added hold it, and back (uid is not in it: it is
// the event's cause).
nlohmann::json mount_payload(const guest_mount& m);
guest_mount mount_from_payload(const nlohmann::json& p);
// Folds instance.mount_added/removed into `i`.
void apply_mount(instance& i, const events::event& e);

}  // namespace kaso::domain::detail
