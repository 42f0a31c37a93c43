#include "domain/restart_policy.hpp"

#include <algorithm>

namespace kaso::domain {
namespace {

constexpr unsigned max_limit = 1000;
constexpr unsigned max_window_s = 86400;
constexpr std::uint64_t max_backoff_ms = 3600 * 1000;

// base * 2^n, capped, without overflow.
std::uint64_t backoff(const restart_policy& p, std::size_t n) {
  std::uint64_t d = p.backoff_ms;
  for (std::size_t k = 0; k < n && d < p.backoff_max_ms; ++k) d *= 2;
  return std::min(d, p.backoff_max_ms);
}

}  // namespace

std::string_view to_string(restart_mode m) {
  switch (m) {
    case restart_mode::never: return "never";
    case restart_mode::on_failure: return "on-failure";
    case restart_mode::always: return "always";
  }
  return "on-failure";
}

result<restart_mode> parse_restart_mode(std::string_view word) {
  for (auto m : {restart_mode::never, restart_mode::on_failure, restart_mode::always}) {
    if (word == to_string(m)) return m;
  }
  return error::invalid_argument("restart policy must be never, on-failure or always");
}

status validate(const restart_policy& p) {
  if (p.max_restarts > max_limit) return error::invalid_argument("restart limit must be at most 1000");
  if (p.window_s < 1 || p.window_s > max_window_s) {
    return error::invalid_argument("restart window must be from 1 to 86400 seconds");
  }
  if (p.backoff_max_ms > max_backoff_ms) return error::invalid_argument("restart backoff must be at most an hour");
  if (p.backoff_ms > p.backoff_max_ms) {
    return error::invalid_argument("restart backoff (" + std::to_string(p.backoff_ms) + " ms) exceeds its maximum (" +
                                   std::to_string(p.backoff_max_ms) + " ms)");
  }
  return ok_status();
}

restart_decision decide_restart(const restart_policy& p, const std::vector<std::int64_t>& recent_us,
                                std::int64_t now_us, bool failure) {
  if (p.mode == restart_mode::never || (p.mode == restart_mode::on_failure && !failure)) return {};
  const std::int64_t window_us = std::int64_t{p.window_s} * 1000000;
  auto in_window = static_cast<std::size_t>(
      std::count_if(recent_us.begin(), recent_us.end(), [&](std::int64_t t) { return now_us - t < window_us; }));
  restart_decision d;
  if (in_window >= p.max_restarts) {
    d.what = restart_decision::kind::give_up;
    d.reason = std::to_string(in_window) + " restarts within " + std::to_string(p.window_s) + " s (the limit is " +
               std::to_string(p.max_restarts) + ")";
    return d;
  }
  d.what = restart_decision::kind::restart;
  d.delay_ms = backoff(p, in_window);
  d.attempt = static_cast<unsigned>(in_window) + 1;
  return d;
}

}  // namespace kaso::domain
