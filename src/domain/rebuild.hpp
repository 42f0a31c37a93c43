// Rebuilding the read model from the event log: the one fold used by the server at start, by a
// supervisor restarting a child, by the server's checkpointer and by kaso-replay. It starts from
// the newest usable checkpoint (domain/snapshot.hpp) at or before the requested point and folds
// the events after it; the result is the same as folding every event from the first. Any thread
// (the store is thread-safe).
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
  // false: fold from the first event, whatever checkpoints there are (kaso-replay --no-checkpoint).
  bool use_checkpoint = true;
  // A checkpoint that cannot be used: undecodable (corruption) or written by another fold version
  // (conflict). It is skipped (the one before it is tried, else the fold starts from the first
  // event). Default: skip silently.
  std::function<void(std::uint64_t seq, const error&)> on_bad_checkpoint;
};

struct rebuilt {
  domain::state state;
  // The point folded to: the last event read within the bounds (folded, or skipped as
  // undecodable); 0 when none.
  std::uint64_t seq = 0;
  std::int64_t max_time_us = 0;     // the latest event time folded in, checkpoint included
  std::uint64_t checkpoint_seq = 0; // the checkpoint the fold started from; 0: the first event
  std::uint64_t tail = 0;           // events read after that checkpoint (or from the first)
};

// Folds every event with seq <= up_to_seq, stopping at the first whose time is after
// up_to_time_us. A checkpoint is used only when a full fold would have folded all of its events:
// its seq <= up_to_seq and its max_time_us <= up_to_time_us. Undecodable events before a
// checkpoint are not reported again (the checkpoint skipped them already).
result<rebuilt> rebuild_detailed(const events::event_store& store, const rebuild_options& options = {});

// rebuild_detailed(...).state.
result<state> rebuild(const events::event_store& store, const rebuild_options& options = {});

}  // namespace kaso::domain
