// part_writer: see part_writer.hpp.
#include "images/part_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

#include "platform/posix_error.hpp"

namespace kaso::images {
namespace {

std::unique_ptr<char, void (*)(void*)> aligned_block() {
  void* p = nullptr;
  if (::posix_memalign(&p, part_writer::alignment, part_writer::block_size) != 0) throw std::bad_alloc();
  return {static_cast<char*>(p), &std::free};
}

}  // namespace

part_writer::part_writer(int fd, std::filesystem::path path, digests& hashes, std::uint64_t size)
    : fd_(fd), path_(std::move(path)), hashes_(hashes), storage_(blocks) {
  for (auto& b : storage_) {
    b.data = aligned_block();
    free_.push_back(&b);
  }
  // The digests hash on this writer's thread from now on: whatever they queued must be done.
  hashes_.finish();
  // A resumed .part may end inside an alignment unit: its last partial unit is read back into the
  // first block (already hashed), so that every block starts at an aligned offset.
  const auto head = static_cast<std::size_t>(size % alignment);
  next_offset_ = size - head;
  if (head > 0) {
    current_ = free_.back();
    free_.pop_back();
    current_->offset = next_offset_;
    const ssize_t got = ::pread(fd_, current_->data.get(), head, static_cast<off_t>(next_offset_));
    if (got != static_cast<ssize_t>(head)) {
      failure_ = platform::posix_error("read back the end of '" + path_.string() + "'", got < 0 ? errno : EIO);
    }
    current_->fill = current_->hash_from = head;
  }
  set_direct(true);
  hasher_ = std::thread([this] { run_hasher(); });
  writer_ = std::thread([this] { run_writer(); });
}

part_writer::~part_writer() {
  {
    std::unique_lock lock(mutex_);
    if (current_ != nullptr) submit(lock);
    drain(lock);
    stopping_ = true;
  }
  changed_.notify_all();
  hasher_.join();
  writer_.join();
  set_direct(false);
}

status part_writer::append(const char* data, std::size_t size) {
  while (size > 0) {
    if (current_ == nullptr) {
      std::unique_lock lock(mutex_);
      current_ = take_free_block(lock);
      current_->fill = current_->hash_from = 0;
      current_->offset = next_offset_;
      current_->opened = std::chrono::steady_clock::now();
    }
    const std::size_t n = std::min(size, block_size - current_->fill);
    std::memcpy(current_->data.get() + current_->fill, data, n);
    current_->fill += n;
    data += n;
    size -= n;
    if (current_->fill == block_size) {
      std::unique_lock lock(mutex_);
      submit(lock);
    }
  }
  tick();
  std::lock_guard lock(mutex_);
  if (failure_) return *failure_;
  return ok_status();
}

void part_writer::tick() {
  if (current_ == nullptr || current_->fill == current_->hash_from) return;
  if (std::chrono::steady_clock::now() - current_->opened < max_hold) return;
  std::unique_lock lock(mutex_);
  submit_early(lock);
}

status part_writer::finish() {
  std::unique_lock lock(mutex_);
  if (current_ != nullptr) submit(lock);
  drain(lock);
  set_direct(false);
  if (failure_) return *failure_;
  return ok_status();
}

status part_writer::restart() {
  std::unique_lock lock(mutex_);
  if (current_ != nullptr) {  // its bytes are of the old file: dropped
    free_.push_back(current_);
    current_ = nullptr;
  }
  drain(lock);
  if (failure_) return *failure_;
  if (::ftruncate(fd_, 0) != 0) return platform::posix_error("truncate '" + path_.string() + "'", errno);
  hashes_.reset();
  next_offset_ = 0;
  set_direct(true);
  return ok_status();
}

part_writer::block* part_writer::take_free_block(std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [this] { return !free_.empty(); });
  block* b = free_.back();
  free_.pop_back();
  return b;
}

// Hands the current block to both stages; the next block starts where this one ends.
void part_writer::submit(std::unique_lock<std::mutex>&) {
  block* b = current_;
  current_ = nullptr;
  b->pending = 2;
  next_offset_ = b->offset + b->fill;
  to_hash_.push_back(b);
  to_write_.push_back(b);
  changed_.notify_all();
}

// Hands on a block that is not full. Its last, partial alignment unit (written through the page
// cache) starts the next block again, already hashed, so that blocks stay aligned; the writer
// writes that unit a second time, with the bytes that complete it.
void part_writer::submit_early(std::unique_lock<std::mutex>& lock) {
  const std::size_t tail = current_->fill % alignment;
  const std::uint64_t tail_offset = current_->offset + current_->fill - tail;
  char unit[alignment];  // copied first: once submitted, the block may come back as the next one
  std::memcpy(unit, current_->data.get() + current_->fill - tail, tail);
  submit(lock);
  if (tail == 0) return;
  block* next = take_free_block(lock);
  std::memcpy(next->data.get(), unit, tail);
  next->fill = next->hash_from = tail;
  next->offset = tail_offset;
  next->opened = std::chrono::steady_clock::now();
  current_ = next;
}

// Called with the lock held, by the stage that is done with `b`.
void part_writer::release(block* b) {
  if (--b->pending == 0) free_.push_back(b);
  changed_.notify_all();
}

void part_writer::drain(std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [this] { return free_.size() == storage_.size(); });
}

void part_writer::run_hasher() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !to_hash_.empty(); });
    if (to_hash_.empty()) return;
    block* b = to_hash_.front();
    to_hash_.pop_front();
    lock.unlock();
    const char* from = b->data.get() + b->hash_from;
    const std::size_t n = b->fill - b->hash_from;
    hashes_.sha256.update(from, n);
    if (hashes_.sha512) hashes_.sha512->update(from, n);
    lock.lock();
    release(b);
  }
}

void part_writer::run_writer() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !to_write_.empty(); });
    if (to_write_.empty()) return;
    block* b = to_write_.front();
    to_write_.pop_front();
    // After a failure the file must not get a hole: later blocks are not written.
    const bool skip = failure_.has_value();
    lock.unlock();
    status st = skip ? ok_status() : write_block(*b);
    lock.lock();
    if (!st && !failure_) failure_ = st.error();
    release(b);
  }
}

// The aligned part of the block direct, the rest (a tail of the stream) through the page cache.
status part_writer::write_block(const block& b) {
  std::size_t written = 0;
  const std::size_t whole = b.fill / alignment * alignment;
  while (direct_ && written < whole) {
    const ssize_t n = ::pwrite(fd_, b.data.get() + written, whole - written, static_cast<off_t>(b.offset + written));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL) {  // this filesystem wants another alignment: buffered from now on
      set_direct(false);
      break;
    }
    if (n < 0) return platform::posix_error("write '" + path_.string() + "'", errno);
    written += static_cast<std::size_t>(n);
  }
  if (written == b.fill) return ok_status();
  if (direct_) set_direct(false);
  return write_buffered(b.data.get() + written, b.fill - written, b.offset + written);
}

status part_writer::write_buffered(const char* data, std::size_t size, std::uint64_t offset) {
  const auto start = offset;
  while (size > 0) {
    const ssize_t n = ::pwrite(fd_, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return platform::posix_error("write '" + path_.string() + "'", errno);
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  // Writeback starts now, so that the fsync before the rename finds little left to write.
  ::sync_file_range(fd_, static_cast<off_t>(start), static_cast<off_t>(offset - start), SYNC_FILE_RANGE_WRITE);
  return ok_status();
}

void part_writer::set_direct(bool on) {
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0) {
    direct_ = false;
    return;
  }
  if (on) {
    direct_ = ::fcntl(fd_, F_SETFL, flags | O_DIRECT) == 0;  // refused where unsupported (tmpfs...)
  } else {
    (void)::fcntl(fd_, F_SETFL, flags & ~O_DIRECT);
    direct_ = false;
  }
}

}  // namespace kaso::images
