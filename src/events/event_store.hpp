// The event log: RocksDB at <path>/events, keys are big-endian sequence numbers.
//
// Thread safety: every public member may be called from any thread. Appends go through one writer
// thread (the only writer), which takes every append queued since its last write, gives the events
// consecutive sequence numbers, writes them as one WriteBatch and syncs the WAL once: concurrent
// commands share a sync (group commit). An append's callback runs on the writer thread after the
// sync, so it must be quick (send a message, fulfil a promise). Subscribers are told of every
// durable batch, in order, on the writer thread too.
//
// A failed write puts the store in a failed state: that append and every later one answer
// `unavailable`; reads still work. A corrupt record is reported to `on_corrupt` and skipped.
//
// Beside the events, the same database holds checkpoints of the folded projections in its own
// column family, `checkpoints` (doc/event-log.md): opaque bytes that the domain layer encodes
// (domain/snapshot.hpp), keyed like events by the sequence number they were folded to. Reading
// events never meets them. They are written directly, not through the writer thread: they are
// not events, and losing one costs only a longer fold at the next start.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "events/event.hpp"
#include "util/error.hpp"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
}

namespace kaso::events {

class event_store {
 public:
  using append_callback = std::function<void(result<std::vector<event>>)>;
  using subscriber = std::function<void(const std::vector<event>&)>;
  using corrupt_handler = std::function<void(std::uint64_t seq, const error&)>;

  // read_write_inline: as read_write, but with no writer thread: each append is written on the
  // calling thread, one at a time (no group commit), and its callback runs before append_async
  // returns. For deterministic actor tests, where CAF's test coordinator runs every actor on the
  // test's thread and a callback from another thread would race it.
  enum class mode { read_write, read_only, read_write_inline };

  // A stored checkpoint: the projections folded up to `seq`, encoded by the domain layer.
  struct checkpoint {
    std::uint64_t seq = 0;
    std::string bytes;
  };

  // read_write: creates the database if missing and starts the writer thread; the database is
  // locked against a second writer. Creates the `checkpoints` column family when it is missing
  // (a log written before checkpoints existed). read_only: a view of the log and its checkpoints
  // as of opening, safe beside a running server; reopen to see later events. A database without
  // the `checkpoints` family opens read-only too, and simply has no checkpoints.
  //
  // A damaged write-ahead log (anything but an incomplete last record) is refused with corruption
  // and a message saying how to recover; `salvage` opens it anyway, keeping the events before the
  // damage (RocksDB's point-in-time recovery) and losing the rest.
  static result<std::unique_ptr<event_store>> open(const std::filesystem::path& dir, mode m, bool salvage = false);

  ~event_store();
  event_store(const event_store&) = delete;
  event_store& operator=(const event_store&) = delete;

  // Appends `events` atomically; seq is assigned here, and time_us where it is 0 (commands leave
  // it 0; an import keeps the time it recorded). `done` receives the events as
  // stored once they are durable, or an error (then none of them is stored).
  // REQUIRES: opened read_write, events non-empty.
  void append_async(std::vector<event> events, append_callback done);
  // Blocking form of append_async.
  result<std::vector<event>> append(std::vector<event> events);

  // Calls `visit` for each event with seq >= from, in order, until it returns false.
  status read(std::uint64_t from, const std::function<bool(const event&)>& visit,
              const corrupt_handler& on_corrupt = {}) const;
  // Calls `visit` for each raw stored record (key, value) with seq >= from: for integrity checks.
  status read_raw(std::uint64_t from,
                  const std::function<bool(std::uint64_t seq, std::string_view value)>& visit) const;

  std::uint64_t last_seq() const { return last_seq_.load(std::memory_order_acquire); }

  // Reads every stored table and checks its checksums (seconds for a large log: call it from a
  // thread that may block). corruption names what is damaged.
  status verify_checksums() const;

  // Stores `bytes` as the checkpoint at `seq` (replacing one at the same seq) and deletes every
  // older checkpoint but the newest one before it: two are kept, so that a damaged latest one
  // still leaves one to start from. The checkpoint bypasses the WAL and is flushed to its own
  // table file before this returns, so it never keeps old WAL files (and their replay at open)
  // alive. Blocks for that flush: call it from a thread of its own, never the writer's.
  // REQUIRES: opened read_write; 0 < seq <= last_seq(); seq >= every stored checkpoint's seq.
  status write_checkpoint(std::uint64_t seq, std::string_view bytes);
  // The newest checkpoint with seq <= at_most, or nullopt when there is none.
  result<std::optional<checkpoint>> latest_checkpoint(
      std::uint64_t at_most = std::numeric_limits<std::uint64_t>::max()) const;

  // In-process subscription; the returned id unsubscribes.
  std::uint64_t subscribe(subscriber s);
  void unsubscribe(std::uint64_t id);

 private:
  struct pending {
    std::vector<event> events;
    append_callback done;
  };

  event_store(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> families,
              mode m);
  void writer_loop();
  void write_group(std::deque<pending>& group);
  std::uint64_t scan_last_seq() const;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;  // every family opened; released before db_
  rocksdb::ColumnFamilyHandle* checkpoints_ = nullptr;  // null: a read-only log without the family
  mode mode_;
  std::atomic<std::uint64_t> last_seq_{0};

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<pending> queue_;
  bool stopping_ = false;
  bool failed_ = false;  // writer thread only (or under inline_writer_)
  std::mutex inline_writer_;  // read_write_inline: one append at a time
  std::thread writer_;

  mutable std::mutex subscribers_mutex_;
  std::vector<std::pair<std::uint64_t, subscriber>> subscribers_;
  std::uint64_t next_subscriber_ = 1;
};

}  // namespace kaso::events
