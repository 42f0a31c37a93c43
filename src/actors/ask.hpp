// Asking an actor from a thread that is not an actor (an HTTP handler, a test): a blocking
// request with the finite request timeout, the answer or the error turned into kaso::result.
// For a typed handle the message must be one its interface holds (`accepts`, protocols.hpp):
// otherwise the call does not compile.
// Include only in .cpp files: it pulls in CAF.
#pragma once

#include <optional>

#include "actors/protocols.hpp"

namespace kaso::actors {

template <class Reply, class Handle, class... Ts>
  requires accepts<Handle, Ts...>
result<Reply> ask_within(caf::actor_system& sys, caf::timespan timeout, const Handle& target, Ts&&... xs) {
  caf::scoped_actor self{sys};
  std::optional<result<Reply>> out;
  self->request(target, timeout, std::forward<Ts>(xs)...)
      .receive([&](Reply& r) { out.emplace(std::move(r)); },
               [&](caf::error& e) { out.emplace(from_caf(e)); });
  return std::move(*out);
}

template <class Reply, class Handle, class... Ts>
  requires accepts<Handle, Ts...>
result<Reply> ask(caf::actor_system& sys, const Handle& target, Ts&&... xs) {
  return ask_within<Reply>(sys, request_timeout, target, std::forward<Ts>(xs)...);
}

}  // namespace kaso::actors
