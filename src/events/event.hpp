// The event envelope: one recorded state change of one aggregate (an identity, an image, an
// instance, ...). Value type; any thread. The stored format is documented in doc/event-log.md and
// is frozen: never rename a `type` string, never change the meaning of a field.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kaso::events {

// Who caused an event. On the Unix socket, the peer's credentials; `origin` says which door the
// command came through ("unix", "tcp", "server" for the server's own decisions, "guest").
struct cause {
  std::int64_t uid = -1;
  std::int64_t pid = -1;
  std::string origin = "server";
  friend bool operator==(const cause&, const cause&) = default;
};

// Every aggregate kind the log holds (doc/event-log.md): what `--kind` and `?kind=` may name.
// Header-only, so that the CLI checks a kind without linking the event layer.
inline constexpr std::array<std::string_view, 6> aggregate_kinds = {"identity", "image", "network",
                                                                    "instance", "task",  "host"};

struct event {
  std::uint64_t seq = 0;        // gapless, from 1; assigned by the store at append
  std::int64_t time_us = 0;     // UTC, microseconds since the epoch; assigned by the store
  std::string kind;             // aggregate kind: "identity", "image", "network", "instance", "task"
  std::string id;               // aggregate id within its kind
  std::uint64_t version = 0;    // the aggregate's version after this event; 1 for its first
  std::string type;             // frozen type string, e.g. "identity.created"
  std::uint32_t schema = 1;     // payload schema version of `type`
  nlohmann::json payload = nlohmann::json::object();
  cause caused_by;
  friend bool operator==(const event&, const event&) = default;
};

}  // namespace kaso::events
