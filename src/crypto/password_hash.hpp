// SHA-512 crypt ("$6$...") password hashes through libxcrypt, for the `passwd` of a cloud-init
// user and for checking a password against such a hash. Any thread: only the reentrant libcrypt
// calls are used (crypt_gensalt_ra, crypt_rn), each with its own buffers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaso::crypto {

// libxcrypt refuses longer passphrases (CRYPT_MAX_PASSPHRASE_SIZE is 512 with the NUL), and a
// hash we could make but the guest could not check would be useless.
inline constexpr std::size_t max_password_size = 511;

// "$6$<16 salt characters>$<86 characters>", default rounds (5000), a fresh random salt each call.
// invalid_argument for an empty password, one containing NUL, or one longer than
// max_password_size bytes; any other bytes (newlines, quotes, non-UTF-8) are accepted as they are.
// internal if libcrypt fails.
result<std::string> hash_password(std::string_view plaintext);

// True if `hash` is a SHA-512 crypt hash (is_sha512_crypt_hash) of `plaintext`. False for any
// other kind of hash and for a plaintext hash_password would refuse.
bool verify_password(std::string_view plaintext, const std::string& hash);

// Shape only: "$6$", optionally "rounds=N$" (1000 <= N <= 999999999, no leading zero), a salt of
// 1 to 16 characters of [./0-9A-Za-z], "$", and 86 characters of [./0-9A-Za-z].
bool is_sha512_crypt_hash(std::string_view text);

}  // namespace kaso::crypto
