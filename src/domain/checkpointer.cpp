#include "domain/checkpointer.hpp"

#include "domain/snapshot.hpp"

namespace kaso::domain {

checkpointer::checkpointer(events::event_store& store, rebuilt from, settings s)
    : store_(store), settings_(std::move(s)), folded_(std::move(from)) {
  since_written_ = folded_.tail;
  written_seq_ = folded_.tail == 0 ? folded_.checkpoint_seq : 0;
  durable_seq_ = store_.last_seq();
  subscription_ = store_.subscribe([this](const std::vector<events::event>& batch) {
    {
      std::lock_guard lock(mutex_);
      durable_seq_ = std::max(durable_seq_, batch.back().seq);
    }
    wake_.notify_one();
  });
  thread_ = std::thread([this] { run(); });
}

checkpointer::~checkpointer() { stop(); }

void checkpointer::stop() {
  if (subscription_ != 0) {
    store_.unsubscribe(subscription_);  // no callback runs after this returns
    subscription_ = 0;
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t checkpointer::last_written() const {
  std::lock_guard lock(mutex_);
  return written_seq_;
}

void checkpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const std::uint64_t target = durable_seq_;
    const bool stopping = stopping_;
    lock.unlock();
    if (!broken_) fold_to(stopping ? store_.last_seq() : target);
    if (!broken_ && since_written_ >= settings_.every) write();
    if (stopping) {
      if (!broken_ && folded_.seq > last_written()) write();
      return;
    }
    lock.lock();
    wake_.wait(lock, [&] { return stopping_ || (!broken_ && durable_seq_ > folded_.seq); });
  }
}

void checkpointer::fold_to(std::uint64_t seq) {
  if (seq <= folded_.seq) return;
  auto status = store_.read(
      folded_.seq + 1,
      [&](const events::event& e) {
        if (e.seq > seq) return false;
        evolve(folded_.state, e);
        folded_.seq = e.seq;
        folded_.max_time_us = std::max(folded_.max_time_us, e.time_us);
        ++since_written_;
        return true;
      },
      [&](std::uint64_t corrupt, const error&) {
        // Skipped, as a rebuild skips it (and the server reported it when it started).
        if (corrupt > seq) return;
        folded_.seq = corrupt;
        ++since_written_;
      });
  if (!status.ok()) {
    broken_ = true;  // retrying would spin on the same failure; the next start folds the tail
    if (settings_.on_error) settings_.on_error(folded_.seq, status.error());
  }
}

void checkpointer::write() {
  since_written_ = 0;  // after a failure too: the next try comes `every` events later
  if (folded_.seq == 0) return;
  auto bytes = encode_checkpoint({folded_.seq, folded_.max_time_us, folded_.state});
  auto status = store_.write_checkpoint(folded_.seq, bytes);
  if (!status.ok()) {
    if (settings_.on_error) settings_.on_error(folded_.seq, status.error());
    return;
  }
  {
    std::lock_guard lock(mutex_);
    written_seq_ = folded_.seq;
  }
  if (settings_.on_written) settings_.on_written(folded_.seq);
}

}  // namespace kaso::domain
