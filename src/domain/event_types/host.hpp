// The events of the host (doc/event-log.md; the decider and fold are in domain/host.cpp): one
// struct per frozen type string, its schema and its member list (codec.hpp encodes and decodes
// from it). Value types; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "domain/event_types/codec.hpp"

namespace kaso::domain {

// Without its accelerator the event says nothing: it is required.
struct host_accelerator_chosen {
  static constexpr std::string_view type = "host.accelerator_chosen";
  static constexpr std::uint32_t schema = 1;
  std::string accelerator;  // "kvm", "hvf", "tcg"
  std::string reason;
  std::string configured;           // what the configuration asked for ("auto", ...)
  std::optional<std::string> previous;  // null on the first record
  static constexpr auto fields() {
    using S = host_accelerator_chosen;
    return std::tuple{field{"accelerator", &S::accelerator, presence::required}, field{"reason", &S::reason},
                      field{"configured", &S::configured},
                      field{"previous", &S::previous, presence::null_when_unset}};
  }
  friend bool operator==(const host_accelerator_chosen&, const host_accelerator_chosen&) = default;
};

struct host_log_damaged {
  static constexpr std::string_view type = "host.log_damaged";
  static constexpr std::uint32_t schema = 1;
  std::string error;
  static constexpr auto fields() { return std::tuple{field{"error", &host_log_damaged::error}}; }
  friend bool operator==(const host_log_damaged&, const host_log_damaged&) = default;
};

}  // namespace kaso::domain
