// Streaming digests of a download: see digests.hpp.
#include "images/digests.hpp"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "platform/file_io.hpp"
#include "platform/posix_error.hpp"

namespace kaso::images {
namespace {

constexpr std::size_t hash_block = 1024 * 1024;

}  // namespace

hasher::hasher(const EVP_MD* md) : md_(md), ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) { reset(); }

void hasher::reset() { ok_ = ctx_ && EVP_DigestInit_ex(ctx_.get(), md_, nullptr) == 1; }

void hasher::update(const char* data, std::size_t size) {
  ok_ = ok_ && EVP_DigestUpdate(ctx_.get(), data, size) == 1;
}

std::string hasher::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!ok_ || EVP_DigestFinal_ex(ctx_.get(), digest, &size) != 1) return {};
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 0xf];
  }
  return hex;
}

void digests::update(const char* data, std::size_t size) {
  sha256.update(data, size);
  if (sha512) sha512->update(data, size);
}

void digests::reset() {
  sha256.reset();
  if (sha512) sha512->reset();
}

result<std::uint64_t> hash_existing(int fd, const std::filesystem::path& path, digests& hashes,
                                    const std::atomic<bool>& cancel) {
  std::vector<char> buffer(hash_block);
  std::uint64_t size = 0;
  if (::lseek(fd, 0, SEEK_SET) != 0) return platform::posix_error("seek '" + path.string() + "'", errno);
  for (;;) {
    if (cancel.load()) return error{errc::cancelled, "download cancelled"};
    auto got = platform::read_some(fd, buffer.data(), buffer.size(), path);
    if (!got) return got.error();
    if (*got == 0) return size;
    hashes.update(buffer.data(), *got);
    size += *got;
  }
}

}  // namespace kaso::images
