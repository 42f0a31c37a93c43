// The reports of fold_rules.hpp: one warning per event in the server's log.
#include "domain/event_types/fold_rules.hpp"

#include <spdlog/spdlog.h>

namespace kaso::domain {

void report_skipped(const events::event& e, const error& why) {
  spdlog::warn("event {} ({} {} v{}) skipped by the fold: {}", e.seq, e.kind, e.id, e.version, why.message());
}

void report_defaulted(const events::event& e, const std::vector<std::string>& defaulted) {
  std::string names;
  for (const auto& d : defaulted) names += (names.empty() ? "" : ", ") + d;
  spdlog::warn("event {} ({} {} v{}, {}): mistyped members left at their defaults: {}", e.seq, e.kind, e.id,
               e.version, e.type, names);
}

}  // namespace kaso::domain
