#include "domain/rebuild.hpp"

namespace kaso::domain {

result<state> rebuild(const events::event_store& store, const rebuild_options& options) {
  state s;
  auto status = store.read(
      1,
      [&](const events::event& e) {
        if (e.seq > options.up_to_seq || e.time_us > options.up_to_time_us) return false;
        evolve(s, e);
        return true;
      },
      options.on_corrupt);
  if (!status.ok()) return status.error();
  return s;
}

}  // namespace kaso::domain
