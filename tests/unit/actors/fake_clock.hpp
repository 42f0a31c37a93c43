// A clock that moves only when a test moves it (issue #18): timers set on it are kept until
// set_now() reaches their due time, then delivered in due order. Restart timing is tested by
// moving time, with no sleeps. Any thread.
#pragma once

#include <algorithm>
#include <mutex>
#include <vector>

#include "actors/clock.hpp"

namespace kaso::actors {

class fake_clock final : public clock {
 public:
  explicit fake_clock(std::int64_t start_us) : now_(start_us) {}

  std::int64_t now_us() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }

  void deliver_at(std::int64_t due_us, caf::strong_actor_ptr to, caf::message msg) override {
    {
      std::lock_guard lock(mutex_);
      if (due_us > now_) {
        pending_.push_back({due_us, std::move(to), std::move(msg)});
        return;
      }
    }
    deliver(to, std::move(msg));
  }

  // Moves time to `t` (never back) and delivers every timer due by then, earliest first.
  void set_now(std::int64_t t) {
    std::vector<timer> due;
    {
      std::lock_guard lock(mutex_);
      now_ = std::max(now_, t);
      auto late = std::stable_partition(pending_.begin(), pending_.end(), [&](const timer& x) { return x.due_us > now_; });
      due.assign(std::make_move_iterator(late), std::make_move_iterator(pending_.end()));
      pending_.erase(late, pending_.end());
    }
    std::stable_sort(due.begin(), due.end(), [](const timer& a, const timer& b) { return a.due_us < b.due_us; });
    for (auto& x : due) deliver(x.to, std::move(x.msg));
  }

  // The due times of the timers not yet delivered, earliest first.
  std::vector<std::int64_t> pending() const {
    std::lock_guard lock(mutex_);
    std::vector<std::int64_t> out;
    for (const auto& x : pending_) out.push_back(x.due_us);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  struct timer {
    std::int64_t due_us;
    caf::strong_actor_ptr to;
    caf::message msg;
  };

  static void deliver(const caf::strong_actor_ptr& to, caf::message msg) {
    if (to) to->enqueue(caf::make_mailbox_element(nullptr, caf::make_message_id(), {}, std::move(msg)), nullptr);
  }

  mutable std::mutex mutex_;
  std::int64_t now_;
  std::vector<timer> pending_;
};

}  // namespace kaso::actors
