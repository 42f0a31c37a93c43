// Streaming SHA-256 (and, when asked for, SHA-512) of the bytes a download receives, through
// OpenSSL EVP; and the hashing of what an earlier, interrupted call left in the .part file.
//
// Private to src/images: used by the downloader and its transfer code on the one thread running a
// download. A hasher is not thread-safe; give each download its own `digests`.
#pragma once

#include <openssl/evp.h>

#include <atomic>
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

struct digests {
  hasher sha256{EVP_sha256()};
  std::optional<hasher> sha512;  // only when the request names an expected SHA-512

  void update(const char* data, std::size_t size);
  void reset();
};

// Hashes the file behind `fd` from byte 0 to its end into `hashes` and returns its size; leaves
// the file offset at the end, ready for appending. `path` is for error messages only.
// Errors: cancelled (checked between 1 MiB blocks), io_error and the like from reading.
result<std::uint64_t> hash_existing(int fd, const std::filesystem::path& path, digests& hashes,
                                    const std::atomic<bool>& cancel);

}  // namespace kaso::images
