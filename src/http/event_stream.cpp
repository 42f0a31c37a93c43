#include "http/event_stream.hpp"

#include <charconv>
#include <condition_variable>
#include <deque>

#include <spdlog/spdlog.h>

#include "domain/identity.hpp"
#include "events/codec.hpp"
#include "events/event_store.hpp"

namespace kaso::http {

using batch_ptr = std::shared_ptr<const std::vector<events::event>>;

namespace {

// One event as a reader sees it: secrets redacted (issue #15), one line of JSON.
std::string shown_line(events::event e) {
  domain::redact_secrets(e);
  return events::to_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

// Batches of the writer thread waiting for one follower. Guarded by its own mutex.
struct event_streams::mailbox {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<batch_ptr> batches;
  std::size_t pending = 0;  // events in `batches`
  bool overflowed = false;  // batches were dropped: catch up from the log

  void offer(const batch_ptr& batch, std::size_t capacity) {
    {
      std::lock_guard lock(mutex);
      if (overflowed) return;
      if (pending + batch->size() > capacity) {
        batches.clear();
        pending = 0;
        overflowed = true;
      } else {
        batches.push_back(batch);
        pending += batch->size();
      }
    }
    ready.notify_one();
  }

  void empty() {
    std::lock_guard lock(mutex);
    batches.clear();
    pending = 0;
    overflowed = false;
  }
};

std::string sse_event(std::uint64_t id, std::string_view data) {
  std::string out = "id: " + std::to_string(id) + "\ndata: ";
  out.append(data);
  out += "\n\n";
  return out;
}

std::string sse_position(std::uint64_t id) { return "id: " + std::to_string(id) + "\n\n"; }

std::string sse_comment(std::string_view text) {
  std::string out = ": ";
  out.append(text);
  out += "\n\n";
  return out;
}

result<std::uint64_t> parse_last_event_id(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  auto last = text.find_last_not_of(" \t");
  auto bad = error::invalid_argument("Last-Event-ID must be a sequence number, got '" + std::string(text) + "'");
  if (first == std::string_view::npos) return bad;
  text = text.substr(first, last - first + 1);
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return bad;
  return v;
}

bool event_filter::matches(const events::event& e) const {
  return (kind.empty() || e.kind == kind) && (id.empty() || e.id == id);
}

// --- event_streams -------------------------------------------------------------------------------

std::shared_ptr<event_streams> event_streams::make(events::event_store* store, stream_options options) {
  return std::shared_ptr<event_streams>(new event_streams(store, options));
}

event_streams::event_streams(events::event_store* store, stream_options options)
    : store_(store), options_(options) {}

event_streams::~event_streams() {
  std::lock_guard lock(subscription_mutex_);
  if (subscription_) store_->unsubscribe(*subscription_);
}

std::size_t event_streams::followers() const {
  std::lock_guard lock(followers_mutex_);
  return admitted_;
}

// Subscribed once, at the first follower, and for the life of this object: an idle listener
// costs the writer one empty-vector check per batch.
status event_streams::ensure_subscribed() {
  if (store_ == nullptr) return error::unavailable("this listener has no event log to follow");
  std::lock_guard lock(subscription_mutex_);
  if (!subscription_) {
    subscription_ = store_->subscribe([this](const std::vector<events::event>& batch) { deliver(batch); });
  }
  return ok_status();
}

void event_streams::deliver(const std::vector<events::event>& batch) {
  std::lock_guard lock(followers_mutex_);
  if (mailboxes_.empty() || batch.empty()) return;
  auto shared = std::make_shared<const std::vector<events::event>>(batch);
  for (auto& box : mailboxes_) box->offer(shared, options_.queue_capacity);
}

result<std::unique_ptr<event_follower>> event_streams::follow(event_filter filter, std::uint64_t from) {
  {
    std::lock_guard lock(followers_mutex_);
    if (admitted_ >= options_.max_followers) {
      return error::unavailable("too many event followers (" + std::to_string(options_.max_followers) +
                                "); try again later");
    }
    ++admitted_;
  }
  if (auto s = ensure_subscribed(); !s.ok()) {
    std::lock_guard lock(followers_mutex_);
    --admitted_;
    return s.error();
  }
  auto box = std::make_shared<mailbox>();
  {
    std::lock_guard lock(followers_mutex_);
    mailboxes_.push_back(box);
  }
  return std::make_unique<event_follower>(shared_from_this(), std::move(box), std::move(filter),
                                          std::max<std::uint64_t>(from, 1));
}

void event_streams::leave(const std::shared_ptr<mailbox>& box) {
  std::lock_guard lock(followers_mutex_);
  std::erase(mailboxes_, box);
  --admitted_;
}

// --- event_follower ------------------------------------------------------------------------------

event_follower::event_follower(std::shared_ptr<event_streams> streams,
                               std::shared_ptr<event_streams::mailbox> box, event_filter filter,
                               std::uint64_t from)
    : streams_(std::move(streams)),
      box_(std::move(box)),
      filter_(std::move(filter)),
      covered_(from - 1),
      last_id_(from - 1),
      next_heartbeat_(std::chrono::steady_clock::now() + streams_->options_.heartbeat) {}

event_follower::~event_follower() { streams_->leave(box_); }

bool event_follower::step(const writer& write) {
  bool ok = catching_up_ ? catch_up(write) : live(write);
  if (!ok) return false;
  auto now = std::chrono::steady_clock::now();
  if (now < next_heartbeat_) return true;
  next_heartbeat_ = now + streams_->options_.heartbeat;
  return covered_ > last_id_ ? send_position(write) : write(sse_comment("keep-alive"));
}

bool event_follower::send_position(const writer& write) {
  if (!write(sse_position(covered_))) return false;
  last_id_ = covered_;
  return true;
}

// One chunk of the log after `covered_`. The mailbox is emptied before the first chunk: what it
// held is in the log by now.
bool event_follower::catch_up(const writer& write) {
  if (!mailbox_emptied_) {
    box_->empty();
    mailbox_emptied_ = true;
  }
  const std::size_t chunk = streams_->options_.read_chunk;
  std::size_t visited = 0;
  bool written = true;
  auto read = streams_->store_->read(covered_ + 1, [&](const events::event& e) {
    ++visited;
    covered_ = e.seq;
    if (filter_.matches(e)) {
      auto line = shown_line(e);
      if (!(written = write(sse_event(e.seq, line)))) return false;
      last_id_ = e.seq;
    }
    return visited < chunk;
  });
  if (!written) return false;
  if (!read.ok()) {
    spdlog::warn("an event stream ends: {}", read.error().message());
    return false;
  }
  if (visited < chunk) {  // the end of the log: go live
    catching_up_ = false;
    mailbox_emptied_ = false;
    if (covered_ > last_id_) return send_position(write);
  }
  return true;
}

bool event_follower::live(const writer& write) {
  std::deque<batch_ptr> batches;
  {
    std::unique_lock lock(box_->mutex);
    auto until = std::min(std::chrono::steady_clock::now() + streams_->options_.tick, next_heartbeat_);
    box_->ready.wait_until(lock, until, [&] { return box_->overflowed || !box_->batches.empty(); });
    if (box_->overflowed) {
      catching_up_ = true;
      return true;
    }
    batches.swap(box_->batches);
    box_->pending = 0;
  }
  for (const auto& batch : batches) {
    for (const auto& e : *batch) {
      if (e.seq <= covered_) continue;
      covered_ = e.seq;
      if (!filter_.matches(e)) continue;
      auto line = shown_line(e);
      if (!write(sse_event(e.seq, line))) return false;
      last_id_ = e.seq;
    }
  }
  return true;
}

}  // namespace kaso::http
