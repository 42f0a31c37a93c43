// Asking an actor from a thread that is not an actor (an HTTP handler, a test): a blocking
// request with the finite request timeout, the answer or the error turned into kaso::result.
// Include only in .cpp files: it pulls in CAF.
#pragma once

#include <optional>

#include "actors/messages.hpp"

namespace kaso::actors {

template <class Reply, class... Ts>
result<Reply> ask_within(caf::actor_system& sys, caf::timespan timeout, const caf::actor& target, Ts&&... xs) {
  caf::scoped_actor self{sys};
  std::optional<result<Reply>> out;
  self->request(target, timeout, std::forward<Ts>(xs)...)
      .receive([&](Reply& r) { out.emplace(std::move(r)); },
               [&](caf::error& e) { out.emplace(from_caf(e)); });
  return std::move(*out);
}

template <class Reply, class... Ts>
result<Reply> ask(caf::actor_system& sys, const caf::actor& target, Ts&&... xs) {
  return ask_within<Reply>(sys, request_timeout, target, std::forward<Ts>(xs)...);
}

}  // namespace kaso::actors
