// crypt_gensalt_ra draws the salt from the OS's random source; crypt_rn hashes into a heap
// struct crypt_data (about 32 KiB, too big for an actor's stack) that is wiped afterwards, as is
// the NUL-terminated copy of the plaintext.
#include "crypto/password_hash.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include <crypt.h>
#include <openssl/crypto.h>

#include "crypto/random.hpp"

namespace kaso::crypto {
namespace {

constexpr std::string_view prefix = "$6$";
constexpr std::string_view rounds_prefix = "rounds=";
constexpr std::size_t max_salt_size = 16;
constexpr std::size_t checksum_size = 86;

bool is_crypt64_char(char c) {
  return c == '.' || c == '/' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         (c >= 'a' && c <= 'z');
}

bool all_crypt64(std::string_view text) {
  for (const char c : text) {
    if (!is_crypt64_char(c)) return false;
  }
  return true;
}

// "N" of "rounds=N": digits, no leading zero, within libxcrypt's bounds for SHA-512 crypt.
bool is_valid_rounds(std::string_view digits) {
  if (digits.empty() || digits.size() > 9 || digits[0] == '0') return false;
  std::uint32_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return value >= 1000 && value <= 999'999'999;
}

std::optional<error> check_plaintext(std::string_view plaintext) {
  if (plaintext.empty()) return error::invalid_argument("password must not be empty");
  if (plaintext.find('\0') != std::string_view::npos) {
    return error::invalid_argument("password must not contain a NUL byte");
  }
  if (plaintext.size() > max_password_size) {
    return error::invalid_argument("password is longer than " + std::to_string(max_password_size) +
                                   " bytes");
  }
  return std::nullopt;
}

// Wipes the passphrase copy and crypt's scratch space on every return path.
class crypt_scratch {
 public:
  explicit crypt_scratch(std::string_view plaintext)
      : phrase_(plaintext), data_(std::make_unique<crypt_data>()) {}
  ~crypt_scratch() {
    OPENSSL_cleanse(phrase_.data(), phrase_.size());
    OPENSSL_cleanse(data_.get(), sizeof(crypt_data));
  }
  crypt_scratch(const crypt_scratch&) = delete;
  crypt_scratch& operator=(const crypt_scratch&) = delete;

  // The hash, or nullopt if crypt_rn refused (it sets errno).
  std::optional<std::string> hash(const char* setting) {
    const char* out = crypt_rn(phrase_.c_str(), setting, data_.get(), sizeof(crypt_data));
    if (out == nullptr || out[0] == '*') return std::nullopt;
    return std::string(out);
  }

 private:
  std::string phrase_;
  std::unique_ptr<crypt_data> data_;  // value-initialised: zeroed, as crypt_rn requires
};

struct free_deleter {
  void operator()(char* p) const { std::free(p); }
};

}  // namespace

result<std::string> hash_password(std::string_view plaintext) {
  if (auto bad = check_plaintext(plaintext)) return *bad;

  errno = 0;
  const std::unique_ptr<char, free_deleter> setting{crypt_gensalt_ra("$6$", 0, nullptr, 0)};
  if (!setting) {
    return error::internal(std::string("crypt_gensalt_ra failed: ") + std::strerror(errno));
  }
  crypt_scratch scratch{plaintext};
  errno = 0;
  std::optional<std::string> hash = scratch.hash(setting.get());
  if (!hash) return error::internal(std::string("crypt_rn failed: ") + std::strerror(errno));
  if (!is_sha512_crypt_hash(*hash)) {
    return error::internal("crypt_rn returned something that is not a SHA-512 crypt hash");
  }
  return std::move(*hash);
}

bool verify_password(std::string_view plaintext, const std::string& hash) {
  if (check_plaintext(plaintext) || !is_sha512_crypt_hash(hash)) return false;
  crypt_scratch scratch{plaintext};
  const std::optional<std::string> computed = scratch.hash(hash.c_str());
  return computed && constant_time_equal(*computed, hash);
}

bool is_sha512_crypt_hash(std::string_view text) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  if (text.starts_with(rounds_prefix)) {
    text.remove_prefix(rounds_prefix.size());
    const std::size_t end = text.find('$');
    if (end == std::string_view::npos || !is_valid_rounds(text.substr(0, end))) return false;
    text.remove_prefix(end + 1);
  }
  const std::size_t salt_end = text.find('$');
  if (salt_end == std::string_view::npos || salt_end == 0 || salt_end > max_salt_size) return false;
  const std::string_view salt = text.substr(0, salt_end);
  const std::string_view checksum = text.substr(salt_end + 1);
  return all_crypt64(salt) && checksum.size() == checksum_size && all_crypt64(checksum);
}

}  // namespace kaso::crypto
