// Following the event log as server-sent events (GET /api/v1/events?follow=true): the framing,
// the streams of one listener (event_streams: admission, one store subscription shared by all
// followers) and one follower's stream (event_follower).
//
// A follower sends the backlog from the log, then live events, with no gap and no duplicate:
//
//   phase      | does                                                   | next
//   -----------+--------------------------------------------------------+------------------------
//   catch-up   | empties its mailbox, reads the log after `covered`, a   | live, once a read
//              | chunk per step, sending matching events; then, if it   | reaches the log's end
//              | skipped past the last id sent, a position "id: N"      |
//   live       | waits (at most `tick`) for batches in its mailbox and   | catch-up, when the
//              | sends matching events with seq > covered; a heartbeat  | mailbox overflowed
//              | every `heartbeat` (a position when it moved, else ": keep-alive") |
//
// `covered` is the seq up to which every matching event has been sent (or lies before the start
// asked for). The mailbox is filled on the store's writer thread from the moment the follower is
// admitted, before its first read, so an event is either in the log when the read passes or in
// the mailbox afterwards, and events at or below `covered` are skipped: nothing is lost or sent
// twice. The writer thread only appends a shared pointer to each mailbox (the batch is copied
// once for all followers); a mailbox holding more than `queue_capacity` events is emptied and
// flagged, and its follower catches up from the log instead: a slow follower costs the writer
// nothing and the server bounded memory.
//
// SSE messages: "id: SEQ\ndata: <the event's JSON on one line>\n\n" for an event; "id: SEQ\n\n"
// (no data) for a position, meaning every matching event up to SEQ has been sent, so a client
// resuming with Last-Event-ID: SEQ misses nothing; ": keep-alive\n\n" when nothing moved. A
// dead client is noticed at the next write (a heartbeat at the latest).
//
// Threads: event_streams may be used from any thread; its store subscription runs on the writer
// thread. An event_follower belongs to the one HTTP handler thread that steps it. Each step
// returns within about `tick`, so httplib sees a stopping server between two steps and the
// handler thread ends (Server::stop joins its pool).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.hpp"
#include "util/error.hpp"

namespace kaso::events {
class event_store;
}

namespace kaso::http {

// "id: 7\ndata: {...}\n\n". REQUIRES: data holds no '\n' or '\r' (one-line JSON does not).
std::string sse_event(std::uint64_t id, std::string_view data);
// "id: 7\n\n": a position without an event.
std::string sse_position(std::uint64_t id);
// ": text\n\n", which clients ignore.
std::string sse_comment(std::string_view text);
// The value of a Last-Event-ID header: a decimal sequence number (surrounding blanks allowed).
result<std::uint64_t> parse_last_event_id(std::string_view text);

// Which events a follower wants; an empty member matches everything.
struct event_filter {
  std::string kind;
  std::string id;
  bool matches(const events::event& e) const;
};

struct stream_options {
  std::size_t max_followers = 64;     // per listener; well under its pool of 128 threads
  std::size_t queue_capacity = 4096;  // events waiting in one mailbox before it overflows
  std::size_t read_chunk = 512;       // events read from the log per catch-up step
  std::chrono::milliseconds heartbeat{10'000};
  std::chrono::milliseconds tick{200};  // longest step: how soon a stopping server is seen
};

class event_follower;

class event_streams : public std::enable_shared_from_this<event_streams> {
 public:
  // `store` may be null (a route table built only to be listed): follow() then fails.
  static std::shared_ptr<event_streams> make(events::event_store* store, stream_options options = {});
  // Unsubscribes from the store. REQUIRES: the store is still open.
  ~event_streams();
  event_streams(const event_streams&) = delete;
  event_streams& operator=(const event_streams&) = delete;

  // Admits a follower of the events matching `filter` with seq >= from (from >= 1), or answers
  // unavailable when max_followers are following already. The follower counts until destroyed.
  result<std::unique_ptr<event_follower>> follow(event_filter filter, std::uint64_t from);
  std::size_t followers() const;

  struct mailbox;

 private:
  event_streams(events::event_store* store, stream_options options);
  friend class event_follower;
  status ensure_subscribed();
  void deliver(const std::vector<events::event>& batch);  // the writer thread
  void leave(const std::shared_ptr<mailbox>& box);

  events::event_store* store_;
  const stream_options options_;
  std::mutex subscription_mutex_;  // never held while followers_mutex_ is
  std::optional<std::uint64_t> subscription_;
  mutable std::mutex followers_mutex_;
  std::vector<std::shared_ptr<mailbox>> mailboxes_;
  std::size_t admitted_ = 0;  // includes followers between admission and their mailbox
};

// One follower's stream; see the table above. Stepped by one thread.
class event_follower {
 public:
  // Sends bytes to the client; false when the client is gone.
  using writer = std::function<bool(std::string_view)>;

  event_follower(std::shared_ptr<event_streams> streams, std::shared_ptr<event_streams::mailbox> box,
                 event_filter filter, std::uint64_t from);
  ~event_follower();  // leaves its event_streams
  event_follower(const event_follower&) = delete;
  event_follower& operator=(const event_follower&) = delete;

  // Does one step, writing what is due; returns within about `tick`. false: a write failed or
  // the log could not be read, and the stream should end.
  bool step(const writer& write);

  // The seq up to which every matching event has been sent.
  std::uint64_t covered() const { return covered_; }

 private:
  bool catch_up(const writer& write);
  bool live(const writer& write);
  bool send_position(const writer& write);

  std::shared_ptr<event_streams> streams_;
  std::shared_ptr<event_streams::mailbox> box_;
  event_filter filter_;
  std::uint64_t covered_;
  std::uint64_t last_id_;  // the last id the client has (sent by us, or its Last-Event-ID)
  bool catching_up_ = true;
  bool mailbox_emptied_ = false;  // in this catch-up
  std::chrono::steady_clock::time_point next_heartbeat_;
};

}  // namespace kaso::http
