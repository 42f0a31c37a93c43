// The host projection: what this server last found about the machine it runs on, as recorded in
// the event log. Today one fact, the accelerator every VM gets and why (issue #14), recorded by
// host.accelerator_chosen when a server start chooses differently from the last record (the
// first start included), so `kaso events tail --kind host` tells when and why a host changed.
//
// host.log_damaged records a failed checksum verification of the log itself.
//
// evolve is pure and never fails (a malformed payload leaves the projection as it was);
// accelerator_events is the decider. Value types; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/event.hpp"

namespace kaso::domain {

struct host {
  std::string accelerator;         // "kvm", "hvf" or "tcg"; empty before the first record
  std::string accelerator_reason;  // one line: why
  std::uint64_t version = 0;
  std::int64_t modified_us = 0;
  friend bool operator==(const host&, const host&) = default;
};

inline constexpr const char* host_kind = "host";
inline constexpr const char* host_id = "local";
inline constexpr const char* accelerator_chosen_type = "host.accelerator_chosen";
inline constexpr const char* log_damaged_type = "host.log_damaged";

void evolve(host& h, const events::event& e);

// host.log_damaged {error}: the event log's checksums did not verify (issue #15). `version` is
// the host's version after it.
events::event log_damaged_event(const std::string& error, std::uint64_t version);

// host.accelerator_chosen {accelerator, reason, configured, previous} when `accelerator` differs
// from the last one recorded; nothing when it is the same (whatever the reason).
std::vector<events::event> accelerator_events(const host& h, const std::string& accelerator,
                                              const std::string& reason, const std::string& configured);

}  // namespace kaso::domain
