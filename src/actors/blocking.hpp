// Blocking work off the cooperative scheduler (issue #18): file removal, fsync and copies run on
// a detached actor of their own, so no scheduler thread waits for the disk; the caller goes on in
// its own handler afterwards. Every actor that blocks (VM actors, provisioning and download
// workers) is spawned by spawn_blocking. Include only in actor .cpp files: it pulls in CAF.
#pragma once

#include <functional>

#include <caf/scheduler/test_coordinator.hpp>
#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "actors/timeouts.hpp"

namespace kaso::actors {

// Whether `sys` runs CAF's test coordinator (deterministic tests: every actor on the test's thread).
inline bool deterministic(caf::actor_system& sys) {
  return dynamic_cast<caf::scheduler::test_coordinator*>(&sys.scheduler()) != nullptr;
}

// Spawns an actor that blocks (on the disk, the network, a process) detached, on a thread of its
// own, so that no scheduler thread waits for it. Under the test coordinator it is scheduled like
// any other: there is no scheduler thread to keep free, and a thread of its own would race the
// coordinator (which is not thread-safe).
template <class F, class... Ts>
auto spawn_blocking(caf::actor_system& sys, F fun, Ts&&... xs) {
  if (deterministic(sys)) return sys.spawn(fun, std::forward<Ts>(xs)...);
  return sys.spawn<caf::detached>(fun, std::forward<Ts>(xs)...);
}

// Runs `work` on a worker of its own, then `then(its status)` inside `self` (a timeout or a
// failed worker is an error status). `then` may be empty: the outcome is then only logged.
// The worker: runs the work once, answers its status, ends. (A function with an argument, not a
// capturing lambda: CAF 0.17 binds an empty argument tuple through a null pointer.)
inline caf::behavior blocking_worker(caf::event_based_actor* self, std::function<status()> work) {
  return {[self, work](run_atom) -> status {
    auto s = work();
    self->quit();
    return s;
  }};
}

template <class Actor>
void run_blocking(Actor* self, std::function<status()> work, std::function<void(status)> then = {},
                  caf::timespan bound = timeouts::file_work) {
  auto worker = spawn_blocking(self->home_system(), blocking_worker, std::move(work));
  auto done = [then](status s) {
    if (then) {
      then(std::move(s));
    } else if (!s.ok()) {
      spdlog::warn("{}", s.error().message());
    }
  };
  self->request(worker, bound, run_atom_v)
      .then([done](status& s) { done(std::move(s)); }, [done](const caf::error& e) { done(from_caf(e)); });
}

}  // namespace kaso::actors
