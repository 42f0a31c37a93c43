// Where an instance is in its lifecycle (the table in instance.hpp), and its words. The words are
// read and written only here: the API's view writes them (to_string), and its clients (the CLI)
// read them back (parse_instance_state) and compare states, never words. Header-only, so that the
// CLI converts at its edge without linking the domain.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace kaso::domain {

enum class instance_state : std::uint8_t { created, starting, running, stopping, stopped, crashed, restarting, failed };

// Each state's word, as the API says it.
inline constexpr std::array<std::pair<instance_state, std::string_view>, 8> instance_state_words = {{
    {instance_state::created, "created"},
    {instance_state::starting, "starting"},
    {instance_state::running, "running"},
    {instance_state::stopping, "stopping"},
    {instance_state::stopped, "stopped"},
    {instance_state::crashed, "crashed"},
    {instance_state::restarting, "restarting"},
    {instance_state::failed, "failed"},
}};

// The state a word names; nullopt for any other word.
constexpr std::optional<instance_state> parse_instance_state(std::string_view word) {
  for (const auto& [state, w] : instance_state_words) {
    if (w == word) return state;
  }
  return std::nullopt;
}

// qemu is being started, runs, or is being stopped: a start or a remove is refused.
constexpr bool active(instance_state s) {
  return s == instance_state::starting || s == instance_state::running || s == instance_state::stopping;
}
// Not running and not about to be: what autostart starts at the server's start.
constexpr bool at_rest(instance_state s) {
  return s == instance_state::created || s == instance_state::stopped || s == instance_state::crashed;
}
// Running, or on its way to running (being started, or waiting for an automatic restart).
constexpr bool on_its_way(instance_state s) {
  return s == instance_state::starting || s == instance_state::running || s == instance_state::restarting;
}

}  // namespace kaso::domain
