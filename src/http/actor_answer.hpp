// Answering an API request from an actor: ask the supervisor (finite timeout) and send the JSON
// text the actor built, or the error. Called from HTTP handler threads; include only in .cpp files
// (it pulls in CAF).
#pragma once

#include "actors/ask.hpp"
#include "http/api_context.hpp"
#include "http/json_io.hpp"

namespace kaso::http {

template <class... Ts>
void answer(const api_context& ctx, httplib::Response& res, int status, Ts&&... xs) {
  auto r = actors::ask<actors::json_text>(*ctx.sys, ctx.supervisor, std::forward<Ts>(xs)...);
  if (!r.ok()) return write_error(res, r.error());
  res.status = status;
  res.set_content(*r.value(), "application/json");
}

// For requests that take as long as a VM does (start, stop): the caller's own bound.
template <class... Ts>
void answer_within(const api_context& ctx, caf::timespan timeout, httplib::Response& res, int status, Ts&&... xs) {
  auto r = actors::ask_within<actors::json_text>(*ctx.sys, timeout, ctx.supervisor, std::forward<Ts>(xs)...);
  if (!r.ok()) return write_error(res, r.error());
  res.status = status;
  res.set_content(*r.value(), "application/json");
}

}  // namespace kaso::http
