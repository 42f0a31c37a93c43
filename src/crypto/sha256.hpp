// SHA-256 over OpenSSL's EVP interface: a streaming hasher and a whole-file helper. A `sha256`
// object belongs to one thread at a time (it holds an EVP_MD_CTX); separate objects may be used
// on separate threads. sha256_file may be called from any thread; it blocks on disk reads.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "util/error.hpp"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace kaso::crypto {

class sha256 {
 public:
  static constexpr std::size_t digest_size = 32;

  sha256();
  ~sha256();
  sha256(sha256&&) noexcept;
  sha256& operator=(sha256&&) noexcept;
  sha256(const sha256&) = delete;
  sha256& operator=(const sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }

  // Both finish the hash and reset the hasher, so the object can hash a new message. They return
  // an empty string only if OpenSSL failed (it cannot allocate its context); every later call
  // fails the same way.
  std::string digest();      // the 32 raw bytes
  std::string hex_digest();  // 64 lowercase hex digits, as sha256sum prints

 private:
  struct ctx_deleter {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, ctx_deleter> ctx_;
  bool failed_ = false;
};

// One-shot helpers.
std::string sha256_digest(std::string_view data);  // raw bytes
std::string sha256_hex(std::string_view data);

// Hex digest of a file's contents. not_found, permission_denied or io_error with the path and the
// OS's reason.
result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace kaso::crypto
