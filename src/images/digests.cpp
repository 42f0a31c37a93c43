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

namespace {
constexpr std::size_t max_queued_bytes = 8 << 20;
}

digests::digests(bool with_sha512) {
  if (with_sha512) sha512.emplace(EVP_sha512());
  worker_ = std::thread([this] { run(); });
}

digests::~digests() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

void digests::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    std::string chunk = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    sha256.update(chunk.data(), chunk.size());
    if (sha512) sha512->update(chunk.data(), chunk.size());
    lock.lock();
    busy_ = false;
    queued_bytes_ -= chunk.size();
    changed_.notify_all();
  }
}

void digests::update(const char* data, std::size_t size) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queued_bytes_ < max_queued_bytes; });
  queue_.emplace_back(data, size);
  queued_bytes_ += size;
  changed_.notify_all();
}

void digests::finish() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void digests::reset() {
  finish();
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
