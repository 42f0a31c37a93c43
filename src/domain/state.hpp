// The whole read model of Kaso Mashin: every projection, folded from the event log by one pure
// function. The server folds it at start and keeps each slice in the actor that owns it; the
// replay tool folds the same code at any point of the log. Value type; any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "domain/host.hpp"
#include "domain/identity.hpp"
#include "domain/image.hpp"
#include "domain/instance.hpp"
#include "events/event.hpp"

namespace kaso::domain {

struct state {
  std::uint64_t last_seq = 0;  // the last event folded in
  domain::identities identities;
  domain::images images;
  domain::machines machines;  // networks and instances
  domain::host host;          // facts about the machine the server runs on
  friend bool operator==(const state&, const state&) = default;
};

// Folds one event in. Never fails; events of unknown kinds are skipped (a newer server's log can
// be read by an older tool).
void evolve(state& s, const events::event& e);

// The API's view of every projection, as `kaso-replay --at` prints it.
nlohmann::json to_json(const state& s);

}  // namespace kaso::domain
