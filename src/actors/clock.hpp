// The time the actors read and the timers they set (issue #18), passed in with the settings like
// the VM host. The restart policy's due times are absolute (an event's time plus its delay), so a
// test moves a fake clock to a due time instead of waiting for it: restart timing is tested with
// no sleeps. The real clock is the system's time, its timers CAF's actor clock.
//
// Thread safety: any thread. Include only in actor .cpp files and tests: it pulls in CAF.
#pragma once

#include <cstdint>
#include <memory>

#include "actors/protocols.hpp"

namespace kaso::actors {

class clock {
 public:
  virtual ~clock() = default;
  // UTC, microseconds since the epoch.
  virtual std::int64_t now_us() const = 0;
  // Delivers `msg` to `to`, anonymously, once now_us() >= due_us (at once when that is past).
  virtual void deliver_at(std::int64_t due_us, caf::strong_actor_ptr to, caf::message msg) = 0;
};

// The system's time; timers on the actor system's clock.
std::shared_ptr<clock> system_clock();

// Sends (xs...) to `to` at `due_us` on `c`: only a message `to`'s interface holds compiles.
template <class Handle, class... Ts>
  requires accepts<Handle, Ts...>
void send_at(clock& c, std::int64_t due_us, const Handle& to, Ts&&... xs) {
  c.deliver_at(due_us, caf::actor_cast<caf::strong_actor_ptr>(to), caf::make_message(std::forward<Ts>(xs)...));
}

}  // namespace kaso::actors
