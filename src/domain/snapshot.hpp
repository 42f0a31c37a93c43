// Snapshots of the read model: the whole `domain::state` to and from JSON, and the checkpoint
// record that the event log keeps in its `checkpoints` column family (doc/event-log.md), so that a
// start folds only the events after it. Every member of every projection struct is listed
// explicitly, once, in snapshot.cpp; a struct whose member count differs from its list does not
// compile. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/state.hpp"
#include "util/error.hpp"

namespace kaso::domain {

// The version of the fold code. A checkpoint is used only by the fold_version that wrote it, so
// that one folded by other code is ignored (a full fold) rather than misread. Bump it whenever
// evolve() or a projection struct changes: a member added, removed or given another meaning, an
// event folded differently, a new event type folded. (A struct change alone is also caught at
// run time: its old checkpoints no longer decode. A change in evolve() is caught only by this.)
inline constexpr std::uint32_t fold_version = 7;  // 2: the host projection (issue #14); 3: readiness (#17);
                                                  // 4: a mount's uid (#17); 5: state, restart mode and
                                                  // bootstrapper as enums (#18); 6: identities in use (#16);
                                                  // 7: what a boot started with (#16)

// Every member, exactly: snapshot_from_json(snapshot_to_json(s)) == s.
nlohmann::json snapshot_to_json(const state& s);
// corruption when a member is missing, mistyped or unknown.
result<state> snapshot_from_json(const nlohmann::json& j);

// The projections as folded from every event with seq <= `seq` (undecodable ones skipped, as a
// full fold skips them).
struct checkpoint {
  std::uint64_t seq = 0;
  // The latest event time among those events: a rebuild bounded by a time may start from this
  // checkpoint only when the bound is at least this (then a full fold would fold them all too).
  std::int64_t max_time_us = 0;
  state folded;
};

// The stored value: MessagePack of {"fold_version", "seq", "max_time_us", "state"} (binary-safe:
// a string in an event need not be UTF-8).
std::string encode_checkpoint(const checkpoint& c);
// corruption for bytes that are not a checkpoint; conflict (nothing wrong, but unusable here)
// for one written by another fold_version.
result<checkpoint> decode_checkpoint(std::string_view bytes);

}  // namespace kaso::domain
