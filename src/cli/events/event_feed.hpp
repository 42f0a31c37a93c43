// event_feed: one connection to GET /api/v1/events?follow=true, the server-sent event stream of
// the event log, read as it comes (api_client reads whole answers, so streaming has its own
// door). It sends Last-Event-ID when given one, hands each message to the caller as it is
// complete, and returns when the stream ends, the connection fails, the server refuses, no byte
// has come for `read_timeout` (the server sends a heartbeat every 10 s), or the caller says stop.
// Blocking; one thread; a fresh connection per call.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "cli/endpoint.hpp"
#include "cli/events/sse_reader.hpp"
#include "util/error.hpp"

namespace kaso::cli::events {

struct feed_request {
  endpoint server;
  std::string bearer_token;  // sent when not empty
  std::string target;        // below /api/v1, encoded, with its query: "/events?follow=true"
  std::optional<std::uint64_t> last_event_id;
  std::chrono::seconds read_timeout{30};
};

// How a connection ended.
struct feed_end {
  enum class how {
    stopped,  // the caller's on_message returned false
    lost,     // no connection, or the stream broke or ended: worth another try
    refused,  // the server answered with an error status (`status`)
  };
  how ended = how::lost;
  int status = 0;         // the HTTP status; 0 when none came
  bool streamed = false;  // the server answered 200 with an event stream
  error problem{errc::unavailable, ""};  // what went wrong, for lost and refused
};

// Calls on_open once the server has answered 200 with an event stream, then on_message for each
// complete message; on_message returning false stops the feed.
feed_end run_feed(const feed_request& request, const std::function<void()>& on_open,
                  const std::function<bool(const sse_message&)>& on_message);

}  // namespace kaso::cli::events
