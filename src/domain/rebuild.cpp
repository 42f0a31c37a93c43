#include "domain/rebuild.hpp"

#include <algorithm>

#include "domain/snapshot.hpp"

namespace kaso::domain {
namespace {

// The newest checkpoint a fold bounded by `options` may start from, or nullopt. Unusable ones are
// reported and the one before is tried; a checkpoint after the requested point is never used.
std::optional<checkpoint> usable_checkpoint(const events::event_store& store, const rebuild_options& options) {
  auto report = [&](std::uint64_t seq, const error& e) {
    if (options.on_bad_checkpoint) options.on_bad_checkpoint(seq, e);
  };
  std::uint64_t at_most = std::min(options.up_to_seq, store.last_seq());
  while (at_most > 0) {
    auto stored = store.latest_checkpoint(at_most);
    if (!stored.ok()) {
      report(0, stored.error());
      return std::nullopt;
    }
    if (!stored.value()) return std::nullopt;
    const auto& record = *stored.value();
    at_most = record.seq - 1;
    auto decoded = decode_checkpoint(record.bytes);
    if (!decoded.ok()) {
      report(record.seq, decoded.error());
    } else if (decoded->seq != record.seq) {
      report(record.seq, error::corruption("checkpoint stored at " + std::to_string(record.seq) + " says " +
                                           std::to_string(decoded->seq)));
    } else if (decoded->max_time_us <= options.up_to_time_us) {
      return std::move(decoded.value());
    }
  }
  return std::nullopt;
}

}  // namespace

result<rebuilt> rebuild_detailed(const events::event_store& store, const rebuild_options& options) {
  rebuilt r;
  if (options.use_checkpoint) {
    if (auto c = usable_checkpoint(store, options)) {
      r.state = std::move(c->folded);
      r.seq = r.checkpoint_seq = c->seq;
      r.max_time_us = c->max_time_us;
    }
  }
  auto status = store.read(
      r.seq + 1,
      [&](const events::event& e) {
        if (e.seq > options.up_to_seq || e.time_us > options.up_to_time_us) return false;
        evolve(r.state, e);
        r.seq = e.seq;
        r.max_time_us = std::max(r.max_time_us, e.time_us);
        ++r.tail;
        return true;
      },
      [&](std::uint64_t seq, const error& e) {
        // Skipped like the full fold skips it, and part of the point folded to.
        if (seq > options.up_to_seq) return;
        r.seq = seq;
        ++r.tail;
        if (options.on_corrupt) options.on_corrupt(seq, e);
      });
  if (!status.ok()) return status.error();
  return r;
}

result<state> rebuild(const events::event_store& store, const rebuild_options& options) {
  auto r = rebuild_detailed(store, options);
  if (!r.ok()) return r.error();
  return std::move(r->state);
}

}  // namespace kaso::domain
