// Restart policies: what the supervisor does when an instance's qemu ends without being asked to,
// as Erlang/OTP supervisors do for a child: restart it (never, on failure, always), at most
// `max_restarts` times within `window_s` seconds, after an exponential backoff; past the limit it
// gives up and the instance is `failed` until a user starts it again.
//
// Pure: the caller passes the time. Value types; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso::domain {

// Which ends of qemu nobody asked for are restarted: none, failures only, or every one (a guest's
// own poweroff too). The words ("never", "on-failure", "always") are for the API and the log.
enum class restart_mode : std::uint8_t { never, on_failure, always };
std::string_view to_string(restart_mode m);
// The mode a word names; invalid_argument for any other.
result<restart_mode> parse_restart_mode(std::string_view word);

struct restart_policy {
  restart_mode mode = restart_mode::on_failure;
  unsigned max_restarts = 5;
  unsigned window_s = 60;
  std::uint64_t backoff_ms = 1000;       // the first restart's delay; doubles with each restart in the window
  std::uint64_t backoff_max_ms = 30000;  // the cap of the delay
  friend bool operator==(const restart_policy&, const restart_policy&) = default;
};

// Every member within its bounds: max_restarts <= 1000, 1 <= window_s <= 86400,
// backoff_ms <= backoff_max_ms <= 1 hour.
status validate(const restart_policy& p);

// What to do about an end of qemu that nobody asked for.
struct restart_decision {
  enum class kind { none, restart, give_up } what = kind::none;
  std::uint64_t delay_ms = 0;
  unsigned attempt = 0;  // 1 for the first restart within the window
  std::string reason;    // for give_up: why
};

// `failure`: death by signal, a non-zero exit, a vanished process or a failed relaunch; a clean
// guest poweroff is not one (it restarts only under `always`). `recent_us`: the times of the
// instance's earlier automatic restarts (any order); those within the window count against the
// limit and double the delay.
restart_decision decide_restart(const restart_policy& p, const std::vector<std::int64_t>& recent_us,
                                std::int64_t now_us, bool failure);

}  // namespace kaso::domain
