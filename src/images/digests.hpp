// Streaming SHA-256 (and, when asked for, SHA-512) of the bytes a download receives, through
// OpenSSL EVP; and the hashing of what an earlier, interrupted call left in the .part file.
//
// Private to src/images: used by the downloader and its transfer code on the one thread running a
// download. A hasher is not thread-safe; give each download its own `digests`. `digests::update`
// hashes on a thread of its own (for what an earlier call left in the .part); during a transfer
// the part_writer's hashing thread feeds the hashers directly, from the blocks it writes, so that
// hashing overlaps receiving and writing without copying the bytes again. The members are called
// from one thread at a time, and finish() must come before reading the hex digests.
#pragma once

#include <openssl/evp.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "util/error.hpp"

namespace kaso::images {

class hasher {
 public:
  explicit hasher(const EVP_MD* md);

  void reset();
  void update(const char* data, std::size_t size);
  // Lower-case hex, or "" if OpenSSL failed somewhere.
  std::string hex_digest();

 private:
  const EVP_MD* md_;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
  bool ok_ = false;
};

class digests {
 public:
  explicit digests(bool with_sha512);
  ~digests();
  digests(const digests&) = delete;
  digests& operator=(const digests&) = delete;

  // Queues a copy of the bytes for hashing (at most a few MiB are queued: update then waits).
  void update(const char* data, std::size_t size);
  // Waits for the queue, then starts both digests again.
  void reset();
  // Waits until every queued byte is hashed.
  void finish();

  hasher sha256{EVP_sha256()};
  std::optional<hasher> sha512;  // only when the request names an expected SHA-512

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

// Hashes the file behind `fd` from byte 0 to its end into `hashes` and returns its size; leaves
// the file offset at the end, ready for appending. `path` is for error messages only.
// Errors: cancelled (checked between 1 MiB blocks), io_error and the like from reading.
result<std::uint64_t> hash_existing(int fd, const std::filesystem::path& path, digests& hashes,
                                    const std::atomic<bool>& cancel);

}  // namespace kaso::images
