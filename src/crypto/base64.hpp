// Base64 (RFC 4648, standard alphabet) as OpenSSH and the "SHA256:" fingerprints use it. Pure
// functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaso::crypto {

enum class base64_padding { with, without };

std::string base64_encode(std::string_view bytes, base64_padding padding = base64_padding::with);

// Strict: only the standard alphabet, length a multiple of 4, '=' only as the last one or two
// characters, and the encoding must be canonical (unused bits zero), so that
// base64_encode(decoded) == text. No whitespace. Returns invalid_argument otherwise.
result<std::string> base64_decode(std::string_view text);

}  // namespace kaso::crypto
