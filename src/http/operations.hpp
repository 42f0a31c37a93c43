// Long requests as operations (issue #18): a request that can take longer than a few seconds
// (starting, stopping, restarting or force-removing an instance) and that carries the header
// `Prefer: respond-async` (RFC 7240) is answered at once with 202 and an operation; the work goes
// on, and GET /api/v1/operations/{id}[?wait=SECONDS] says how it ended: its result is exactly the
// answer the request would have had (the instance, or the error with its HTTP status). Without
// the header these requests answer once done, as before.
//
// Operations live in memory only: what they did is in the event log. Bounded: at most
// max_running at once (more are refused, 503), and the max_kept most recently finished are kept.
// Thread safety: any thread (HTTP handlers begin and read them; actors finish them).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso::http {

class operations {
 public:
  static constexpr std::size_t max_running = 64;
  static constexpr std::size_t max_kept = 256;
  // The longest a GET may wait for an operation to end (?wait=).
  static constexpr std::chrono::seconds max_wait{30};

  // A new running operation: `action` ("stop") of `target` ("vm1"). unavailable past max_running.
  result<std::uint64_t> begin(std::string action, std::string target);
  // How operation `id` ended: the answer's JSON text, or its error. Wakes its waiters.
  void finish(std::uint64_t id, result<std::string> outcome);

  // The operation's view: {id, action, target, state: running|succeeded|failed, created,
  // finished?, result? | error {code, message, status}?}; nullopt when unknown (or forgotten).
  // Waits up to `wait` (at most max_wait) for a running one to end.
  std::optional<nlohmann::json> view(std::uint64_t id, std::chrono::milliseconds wait = {}) const;
  // Every kept operation, oldest first.
  nlohmann::json list() const;

 private:
  struct operation {
    std::uint64_t id = 0;
    std::string action, target;
    std::int64_t created_us = 0, finished_us = 0;
    std::optional<result<std::string>> outcome;  // empty while running
  };
  nlohmann::json view_of(const operation& op) const;

  mutable std::mutex mutex_;
  mutable std::condition_variable ended_;
  std::map<std::uint64_t, operation> ops_;
  std::deque<std::uint64_t> finished_;  // oldest first, for forgetting
  std::size_t running_ = 0;
  std::uint64_t next_id_ = 1;
};

}  // namespace kaso::http
