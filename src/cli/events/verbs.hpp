// The `kaso events` verbs. Each factory returns a fresh command for one invocation.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "cli/command.hpp"

namespace kaso::cli::events {

std::unique_ptr<command> make_list();  // kaso events list [--since] [--kind] [--id] [--limit]

// What `events tail -f` does between connections, replaceable in tests.
struct tail_env {
  // Waits before the next connection attempt.
  std::function<void(std::chrono::milliseconds)> pause;
  // Asked after each connection has ended: false ends the verb (successfully). The real one
  // always answers true: -f follows until a signal ends the process.
  std::function<bool()> keep_following;
  // A connection silent this long is dead (the server's heartbeat comes every 10 s).
  std::chrono::seconds read_timeout{30};
};
tail_env real_tail_env();

// kaso events tail [-f] [-n N] [--since SEQ|TIME] [--kind KIND] [--id ID]
std::unique_ptr<command> make_tail(tail_env env = real_tail_env());

}  // namespace kaso::cli::events
