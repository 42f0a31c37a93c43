// Issue #18: run_blocking runs blocking work off the actor: while the work waits, the actor goes on
// answering; afterwards its continuation runs inside the actor with the work's status (and a
// worker that overruns its bound is an error status, not a hang).
#include "actors/blocking.hpp"

#include <gtest/gtest.h>

#include <future>

#include "../../integration/eventually.hpp"
#include "actors/ask.hpp"

namespace kaso::actors {
namespace {

struct probe_state {
  std::optional<status> outcome;
  static inline const char* name = "blocking-probe";
};

// (start_atom) begins the blocking work; (get_atom) answers whether its continuation ran and how.
caf::behavior probe(caf::stateful_actor<probe_state>* self, std::shared_future<void> release, caf::timespan bound) {
  return {
      [=](start_atom) {
        run_blocking(
            self,
            [release] {
              release.wait();
              return status(error::io_error("the disk said no"));
            },
            [self](status s) { self->state.outcome = std::move(s); }, bound);
      },
      [=](get_atom) -> std::string {
        if (!self->state.outcome) return "pending";
        return self->state.outcome->ok() ? "ok" : self->state.outcome->error().to_string();
      },
  };
}

TEST(run_blocking, issue_18_the_actor_answers_while_the_work_blocks_and_then_hears_its_status) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::promise<void> gate;
  auto a = sys.spawn(probe, gate.get_future().share(), caf::timespan(std::chrono::seconds(30)));
  caf::anon_send(a, start_atom_v);
  EXPECT_EQ(ask<std::string>(sys, a, get_atom_v).value(), "pending") << "answered while the work blocks";
  gate.set_value();
  std::string seen;
  testing::eventually([&] { return (seen = ask<std::string>(sys, a, get_atom_v).value()) != "pending"; },
                      std::chrono::seconds(10));
  EXPECT_EQ(seen, "io_error: the disk said no");
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

TEST(run_blocking, issue_18_work_past_its_bound_is_a_timeout) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::promise<void> gate;
  auto a = sys.spawn(probe, gate.get_future().share(), caf::timespan(std::chrono::milliseconds(50)));
  caf::anon_send(a, start_atom_v);
  std::string seen;
  testing::eventually([&] { return (seen = ask<std::string>(sys, a, get_atom_v).value()) != "pending"; },
                      std::chrono::seconds(10));
  EXPECT_EQ(seen, "timeout: the server did not answer in time");
  gate.set_value();  // the worker ends
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace kaso::actors
