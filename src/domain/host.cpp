// The host projection: see host.hpp.
#include "domain/host.hpp"

#include <algorithm>

namespace kaso::domain {

void evolve(host& h, const events::event& e) {
  if (e.kind != host_kind) return;
  h.version = std::max(h.version, e.version);
  if (e.type != accelerator_chosen_type) return;
  const auto& p = e.payload;
  if (!p.is_object()) return;
  auto accel = p.find("accelerator");
  if (accel == p.end() || !accel->is_string()) return;
  auto reason = p.find("reason");
  h.accelerator = accel->get<std::string>();
  h.accelerator_reason = reason != p.end() && reason->is_string() ? reason->get<std::string>() : std::string();
  h.version = e.version;
  h.modified_us = e.time_us;
}

std::vector<events::event> accelerator_events(const host& h, const std::string& accelerator,
                                              const std::string& reason, const std::string& configured) {
  if (h.accelerator == accelerator) return {};
  events::event e;
  e.kind = host_kind;
  e.id = host_id;
  e.version = h.version + 1;
  e.type = accelerator_chosen_type;
  e.payload = {{"accelerator", accelerator},
               {"reason", reason},
               {"configured", configured},
               {"previous", h.accelerator.empty() ? nlohmann::json(nullptr) : nlohmann::json(h.accelerator)}};
  return {std::move(e)};
}

events::event log_damaged_event(const std::string& error, std::uint64_t version) {
  events::event e;
  e.version = version;
  e.kind = host_kind;
  e.id = host_id;
  e.type = log_damaged_type;
  e.payload = {{"error", error}};
  return e;
}

}  // namespace kaso::domain
