// Parsing one OpenSSH public key line ("ssh-ed25519 AAAA... comment"), as a user gives it to be
// put into a guest's authorized_keys through cloud-init. The parser is strict because the text
// ends up in YAML and in a guest's sshd configuration: one line, no control characters, no
// authorized_keys options, and a key blob whose structure matches its type. Pure functions and a
// value type; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaso::crypto {

inline constexpr std::size_t max_public_key_line_size = 16 * 1024;

struct public_key {
  std::string type;         // "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256|384|521"
  std::string blob_base64;  // canonical base64 of the key blob, as given
  std::string comment;      // may be empty; may contain spaces and UTF-8, never control characters
  std::string fingerprint;  // "SHA256:<base64 of SHA-256 of the blob, unpadded>", as ssh-keygen -l
  std::uint32_t bits = 0;   // as ssh-keygen -l: 256 for ed25519, modulus bits, curve size

  // "type base64 comment", or "type base64" without a comment.
  std::string to_line() const;

  friend bool operator==(const public_key&, const public_key&) = default;
};

// Accepts exactly one key line, surrounding whitespace trimmed. Errors, all with a message
// starting "not an SSH public key: ":
//   payload_too_large  the input is longer than max_public_key_line_size bytes
//   invalid_argument   anything else: empty, several lines, a control character or invalid UTF-8
//                      anywhere, authorized_keys options, an unknown or unsupported type (DSA,
//                      security keys "sk-...", certificates), base64 that does not decode, or a
//                      blob that is truncated, has trailing bytes or does not match its type.
result<public_key> parse_public_key(std::string_view text);

}  // namespace kaso::crypto
