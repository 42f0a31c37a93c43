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
// `correlation` names the chain an event belongs to (issue #18): every event a request led to
// (start -> starting -> started) shares the request's, and every event the server decided on its
// own after qemu's end shares that end's (crashed -> restart_scheduled -> starting -> restarted);
// "" in logs written before it. `causation` is the sequence number of the event this one followed
// from (started follows starting); 0 when a request or an outside happening caused it.
struct cause {
  std::int64_t uid = -1;
  std::int64_t pid = -1;
  std::string origin = "server";
  std::string correlation;
  std::uint64_t causation = 0;
  friend bool operator==(const cause&, const cause&) = default;
};

// A fresh correlation id: `kind` ('r' a request, 's' the server's own chain), '-', then 16 hex
// digits unique within this process and unlikely to repeat across starts. Any thread.
std::string new_correlation(char kind);

// The cause of an event that follows from `e` within the same chain: `e`'s correlation, `e` as its
// causation, and `origin` (uid and pid unknown).
cause following(const struct event& e, std::string origin);

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
