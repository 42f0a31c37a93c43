// How a fold dispatches on an event's type (issue #18): each aggregate's fold has one table of
// rules, one per event type it folds, each naming the event struct and the function that applies
// it. The table decodes the payload (codec.hpp) before calling the function; an event it cannot
// decode is reported and skipped, as the store skips an undecodable record, and members that were
// of another type are reported and left at their defaults. Pure apart from the report (a warning in
// the server's log). Any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event_types/codec.hpp"
#include "events/event.hpp"
#include "util/error.hpp"

namespace kaso::domain {

// Writes one warning about `e`: skipped (`why`), or folded with `defaulted` left at defaults.
void report_skipped(const events::event& e, const error& why);
void report_defaulted(const events::event& e, const std::vector<std::string>& defaulted);

// One entry of a fold's table: applies an event of `type` to `State` (the aggregate's projection)
// for the aggregate `id` (parsed from the event's id by the fold).
template <class State>
struct fold_rule {
  std::string_view type;
  void (*apply)(State&, std::uint64_t id, const events::event&);
};

// The rule for event struct T: decodes it, reports what there is to report, and calls Apply with
// the struct (and the envelope, for its time, version and cause).
template <class State, class T, void (*Apply)(State&, std::uint64_t, const T&, const events::event&)>
constexpr fold_rule<State> rule() {
  return {T::type, [](State& s, std::uint64_t id, const events::event& e) {
            auto d = decode<T>(e);
            if (!d.ok()) return report_skipped(e, d.error());
            if (!d->defaulted.empty()) report_defaulted(e, d->defaulted);
            Apply(s, id, d->event, e);
          }};
}

// Folds `e` by the rule for its type; returns false when the table has none (nothing is done).
template <class State>
bool fold_by(std::span<const fold_rule<State>> rules, State& s, std::uint64_t id, const events::event& e) {
  for (const auto& r : rules) {
    if (r.type == e.type) {
      r.apply(s, id, e);
      return true;
    }
  }
  return false;
}

}  // namespace kaso::domain
