#include "actors/clock.hpp"

#include <algorithm>
#include <chrono>

namespace kaso::actors {
namespace {

class real_clock final : public clock {
 public:
  std::int64_t now_us() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void deliver_at(std::int64_t due_us, caf::strong_actor_ptr to, caf::message msg) override {
    if (!to) return;
    auto wait = std::chrono::microseconds(std::max<std::int64_t>(0, due_us - now_us()));
    auto& timers = to->home_system->clock();
    timers.schedule_message(timers.now() + wait, to,
                            caf::make_mailbox_element(nullptr, caf::make_message_id(), {}, std::move(msg)));
  }
};

}  // namespace

std::shared_ptr<clock> system_clock() {
  static const auto shared = std::make_shared<real_clock>();
  return shared;
}

}  // namespace kaso::actors
