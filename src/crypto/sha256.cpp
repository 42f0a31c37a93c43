// SHA-256 through EVP_MD_CTX, and sha256_file reading with open/read so that errno, not an
// iostream state, says why a file could not be hashed.
#include "crypto/sha256.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crypto/hex.hpp"

namespace kaso::crypto {
namespace {

// The one place where this file turns errno into our error.
error file_error(const std::filesystem::path& path, std::string_view what, int err) {
  std::string message = std::string(what) + " '" + path.string() + "': " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR: return error::not_found(std::move(message));
    case EACCES:
    case EPERM: return error::permission_denied(std::move(message));
    default: return error::io_error(std::move(message));
  }
}

// Closes the descriptor on every return path.
class file_descriptor {
 public:
  explicit file_descriptor(int fd) : fd_(fd) {}
  ~file_descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  file_descriptor(const file_descriptor&) = delete;
  file_descriptor& operator=(const file_descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

void sha256::ctx_deleter::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

sha256::sha256() : ctx_(EVP_MD_CTX_new()) {
  failed_ = ctx_ == nullptr || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1;
}

sha256::~sha256() = default;
sha256::sha256(sha256&&) noexcept = default;
sha256& sha256::operator=(sha256&&) noexcept = default;

void sha256::update(const void* data, std::size_t size) {
  if (failed_ || !ctx_ || size == 0) return;
  failed_ = EVP_DigestUpdate(ctx_.get(), data, size) != 1;
}

std::string sha256::digest() {
  if (failed_ || !ctx_) return {};  // a moved-from hasher has no context
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out, &size) != 1 || size != digest_size ||
      EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
    failed_ = true;
    return {};
  }
  return std::string(reinterpret_cast<const char*>(out), size);
}

std::string sha256::hex_digest() { return to_hex(digest()); }

std::string sha256_digest(std::string_view data) {
  sha256 hasher;
  hasher.update(data);
  return hasher.digest();
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256_digest(data)); }

result<std::string> sha256_file(const std::filesystem::path& path) {
  file_descriptor fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.get() < 0) return file_error(path, "cannot open", errno);

  sha256 hasher;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return file_error(path, "cannot read", errno);
    }
    hasher.update(buffer, static_cast<std::size_t>(n));
  }
  std::string hex = hasher.hex_digest();
  if (hex.empty()) return error::internal("SHA-256 of '" + path.string() + "' failed in OpenSSL");
  return hex;
}

}  // namespace kaso::crypto
