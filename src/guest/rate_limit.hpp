// rate_limit: a token bucket for what one guest may send (issue #15: a guest posted 4,000 phone
// homes in 2.4 s). Each instance's guest listener holds one; `burst` requests at once, then one
// every `interval`. The time is passed in, so the bucket is a pure value tested without sleeps.
// Not thread-safe: its owner serialises calls (the guest listener holds a mutex).
#pragma once

#include <algorithm>
#include <chrono>

namespace kaso::guest {

class rate_limit {
 public:
  using clock = std::chrono::steady_clock;

  rate_limit(double burst, clock::duration interval) : burst_(burst), tokens_(burst), interval_(interval) {}

  // True when a request at `now` may be served (and takes its token).
  bool allow(clock::time_point now) {
    if (started_) {
      const double earned = std::chrono::duration<double>(now - last_) / std::chrono::duration<double>(interval_);
      tokens_ = std::min(burst_, tokens_ + std::max(0.0, earned));
    }
    started_ = true;
    last_ = std::max(last_, now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double burst_;
  double tokens_;
  clock::duration interval_;
  clock::time_point last_{};
  bool started_ = false;
};

}  // namespace kaso::guest
