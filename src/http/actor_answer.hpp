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

// Whether the request asks to be answered at once with an operation (`Prefer: respond-async`).
bool prefers_async(const httplib::Request& req);

// Begins operation `action` of `target`: the message goes to the supervisor from an actor of its
// own, which records the answer in ctx.ops when it comes (or the timeout). Answers 202 with the
// operation (and Location: its URL), or the refusal when too many run.
void answer_operation(const api_context& ctx, httplib::Response& res, std::string action, std::string target,
                      caf::timespan timeout, caf::message msg);

// A long request (start, stop, restart, remove): at once with an operation when the request
// prefers it (operations.hpp), otherwise once done, with `status`.
template <class... Ts>
  requires actors::accepts<actors::supervisor_actor, Ts...>
void answer_long(const api_context& ctx, const request_context& rc, caf::timespan timeout, httplib::Response& res,
                 int status, std::string action, Ts&&... xs) {
  if (!prefers_async(rc.req)) return answer_within(ctx, timeout, res, status, std::forward<Ts>(xs)...);
  answer_operation(ctx, res, std::move(action), rc.param, timeout, caf::make_message(std::forward<Ts>(xs)...));
}

}  // namespace kaso::http
