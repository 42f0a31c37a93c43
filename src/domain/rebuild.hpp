// Rebuilding the read model from the event log: the one fold used by the server at start, by a
// supervisor restarting a child, and by kaso-replay. Any thread (the store is thread-safe).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>

#include "domain/state.hpp"
#include "events/event_store.hpp"

namespace kaso::domain {

struct rebuild_options {
  std::uint64_t up_to_seq = std::numeric_limits<std::uint64_t>::max();
  std::int64_t up_to_time_us = std::numeric_limits<std::int64_t>::max();
  events::event_store::corrupt_handler on_corrupt;  // default: skip silently
};

// Folds every event with seq <= up_to_seq and time <= up_to_time_us.
result<state> rebuild(const events::event_store& store, const rebuild_options& options = {});

}  // namespace kaso::domain
