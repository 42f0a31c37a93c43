#include "domain/state.hpp"

namespace kaso::domain {

void evolve(state& s, const events::event& e) {
  if (e.kind == "identity") evolve(s.identities, e);
  s.last_seq = e.seq;
}

nlohmann::json to_json(const state& s) {
  nlohmann::json identities = nlohmann::json::array();
  for (const auto& [id, i] : s.identities.by_id) identities.push_back(to_json(i));
  return {{"last_seq", s.last_seq}, {"identities", std::move(identities)}};
}

}  // namespace kaso::domain
