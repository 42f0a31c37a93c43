// The server's checkpointer: keeps a checkpoint of the read model in the event log
// (domain/snapshot.hpp), so that a start folds at most `every` events beside it. It folds the log
// into a state of its own as events become durable, and writes a checkpoint every `every` events
// and when stopped.
//
// Threads: constructed and stopped by one owner (the server's main thread). Its subscription
// callback runs on the store's writer thread and only records the newest sequence number; reading
// the new events back from the log, folding them and writing checkpoints happen on the
// checkpointer's own thread. It folds what the log holds, not what the writer handed over, so a
// checkpoint is exactly what a rebuild of the log would fold. The callbacks in `settings` run on
// its thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "domain/rebuild.hpp"

namespace kaso::domain {

class checkpointer {
 public:
  struct settings {
    std::uint64_t every = 50'000;  // events between two checkpoints
    std::function<void(std::uint64_t seq)> on_written;                    // default: nothing
    std::function<void(std::uint64_t seq, const error&)> on_error;        // default: nothing
  };

  // Starts from `from`, the fold the server started with (rebuild_detailed of the whole log),
  // and subscribes to `store`. When `from` folded `every` events or more after its checkpoint, a
  // checkpoint is written at once. REQUIRES: `store` is read_write and outlives this.
  checkpointer(events::event_store& store, rebuilt from, settings s);
  ~checkpointer();  // stop()
  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;

  // Unsubscribes, folds the rest of the log and writes a checkpoint at its end unless the latest
  // one is there already; returns once that is done. Call it after the last append (the actors
  // are gone) for the checkpoint to be at the last event. Idempotent.
  void stop();

  // The seq of the last checkpoint this wrote; 0: none yet.
  std::uint64_t last_written() const;

 private:
  void run();
  void fold_to(std::uint64_t seq);
  void write();

  events::event_store& store_;
  settings settings_;
  std::uint64_t subscription_ = 0;

  // The checkpointer thread's own (no lock): the fold so far and events since the last checkpoint.
  rebuilt folded_;
  std::uint64_t since_written_ = 0;
  bool broken_ = false;  // reading the log failed: no more checkpoints from this fold

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t durable_seq_ = 0;  // the newest event known durable
  std::uint64_t written_seq_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kaso::domain
