// The host projection: see host.hpp.
#include "domain/host.hpp"

#include <algorithm>
#include <array>

#include "domain/event_types/fold_rules.hpp"
#include "domain/event_types/host.hpp"

namespace kaso::domain {
namespace {

void apply(host& h, std::uint64_t, const host_accelerator_chosen& a, const events::event& e) {
  h.accelerator = a.accelerator;
  h.accelerator_reason = a.reason;
  h.version = e.version;
  h.modified_us = e.time_us;
}

// host.log_damaged changes nothing but the version.
constexpr fold_rule<host> rules[] = {rule<host, host_accelerator_chosen, apply>()};

}  // namespace

void evolve(host& h, const events::event& e) {
  if (e.kind != host_kind) return;
  h.version = std::max(h.version, e.version);
  fold_by<host>(rules, h, 0, e);
}

std::vector<events::event> accelerator_events(const host& h, const std::string& accelerator,
                                              const std::string& reason, const std::string& configured) {
  if (h.accelerator == accelerator) return {};
  host_accelerator_chosen chosen{accelerator, reason, configured, std::nullopt};
  if (!h.accelerator.empty()) chosen.previous = h.accelerator;
  return {make_event(chosen, host_id, h.version + 1)};
}

events::event log_damaged_event(const std::string& error, std::uint64_t version) {
  return make_event(host_log_damaged{error}, host_id, version);
}

}  // namespace kaso::domain
