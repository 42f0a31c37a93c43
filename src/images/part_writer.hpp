// part_writer: where a download's bytes go while it runs. The bytes received are copied once into
// a few aligned blocks; a hashing thread and a writing thread then take each block (in order), and
// the block is reused when both are done. So the receiving thread only copies, the digests never
// copy, and at most `blocks x block_size` bytes wait in memory whatever the file's size.
//
// Where the filesystem allows it, blocks are written with O_DIRECT: the bytes go to the disk as
// they arrive instead of piling up in the page cache, and the fsync that makes the file durable
// before it is registered then has almost nothing left to write (on this machine's disk, 1 GiB
// written direct took 0.5 s; written buffered and then fsync'd, 1.7 s). Where it does not (tmpfs,
// some network filesystems) blocks are written through the page cache, with writeback started
// after each one. Either way the file only ever holds a prefix of what was received: a tail that
// is not a whole multiple of the alignment is written through the page cache, never padded.
//
// Private to src/images: a transfer (http_transfer.hpp) owns one for a download. append, finish
// and restart are called from that one thread; the hashing and writing threads are internal.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "images/digests.hpp"
#include "util/error.hpp"

namespace kaso::images {

class part_writer {
 public:
  static constexpr std::size_t alignment = 4096;
  static constexpr std::size_t block_size = 2 << 20;
  static constexpr std::size_t blocks = 4;
  static constexpr std::chrono::milliseconds max_hold{200};

  // `fd`: the .part, which already holds `size` bytes, all of them already in `hashes`.
  part_writer(int fd, std::filesystem::path path, digests& hashes, std::uint64_t size);
  // Writes what was appended and not yet written (the file stays a prefix of the stream).
  ~part_writer();
  part_writer(const part_writer&) = delete;
  part_writer& operator=(const part_writer&) = delete;

  // Copies the bytes into the current block; waits only when every block is still in use. Fails
  // with the first write error (disk full...) once the writer has met one.
  status append(const char* data, std::size_t size);
  // Hands the current block on if it has held bytes for longer than `max_hold`: a slow download
  // reaches the file at least that often (a kill -9 loses no more). Called by append, and by
  // the transfer while no bytes come.
  void tick();
  // Everything appended is written and hashed, and the fd is back to buffered I/O.
  status finish();
  // Empties the file and both digests: the server sends the whole file again.
  status restart();
  // Whether blocks go to the disk direct (O_DIRECT), for tests and figures.
  bool direct() const { return direct_; }

 private:
  struct block {
    std::unique_ptr<char, void (*)(void*)> data{nullptr, nullptr};
    std::size_t fill = 0;       // bytes in data
    std::size_t hash_from = 0;  // bytes before this are already in the digests (a resumed head)
    std::uint64_t offset = 0;   // where data[0] goes in the file (a multiple of `alignment`)
    int pending = 0;            // stages (hash, write) still to see it
    std::chrono::steady_clock::time_point opened{};  // when append took it
  };

  block* take_free_block(std::unique_lock<std::mutex>& lock);
  void submit(std::unique_lock<std::mutex>& lock);
  void submit_early(std::unique_lock<std::mutex>& lock);
  void release(block* b);
  void drain(std::unique_lock<std::mutex>& lock);
  void run_hasher();
  void run_writer();
  status write_block(const block& b);
  status write_buffered(const char* data, std::size_t size, std::uint64_t offset);
  void set_direct(bool on);

  int fd_;
  std::filesystem::path path_;
  digests& hashes_;
  bool direct_ = false;  // touched by the writing thread, and by the owner while nothing is queued
  std::uint64_t next_offset_ = 0;  // of the next block

  std::vector<block> storage_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<block*> free_;
  std::deque<block*> to_hash_;
  std::deque<block*> to_write_;
  block* current_ = nullptr;  // being filled by append
  std::optional<error> failure_;
  bool stopping_ = false;
  std::thread hasher_;
  std::thread writer_;
};

}  // namespace kaso::images
