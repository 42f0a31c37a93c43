#include "domain/state.hpp"

namespace kaso::domain {

void evolve(state& s, const events::event& e) {
  if (e.kind == "identity" || e.kind == "instance") evolve(s.identities, e);
  if (e.kind == "image" || e.kind == "task" || e.kind == "instance") evolve(s.images, e);
  if (e.kind == "network" || e.kind == "instance") evolve(s.machines, e);
  if (e.kind == host_kind) evolve(s.host, e);
  s.last_seq = e.seq;
}

nlohmann::json to_json(const state& s) {
  nlohmann::json identities = nlohmann::json::array();
  for (const auto& [id, i] : s.identities.by_id) identities.push_back(to_json(i, s.identities));
  nlohmann::json images = nlohmann::json::array();
  for (const auto& [id, i] : s.images.by_id) images.push_back(to_json(i, s.images));
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& [id, t] : s.images.tasks) tasks.push_back(to_json(t));
  nlohmann::json networks = nlohmann::json::array();
  for (const auto& [id, n] : s.machines.networks.by_id) networks.push_back(to_json(n, s.machines.networks));
  nlohmann::json instances = nlohmann::json::array();
  for (const auto& [id, i] : s.machines.instances.by_id) instances.push_back(to_json(i));
  nlohmann::json host = {{"accelerator", s.host.accelerator}, {"accelerator_reason", s.host.accelerator_reason}};
  return {{"last_seq", s.last_seq}, {"identities", std::move(identities)}, {"images", std::move(images)},
          {"tasks", std::move(tasks)}, {"networks", std::move(networks)}, {"instances", std::move(instances)},
          {"host", std::move(host)}};
}

}  // namespace kaso::domain
