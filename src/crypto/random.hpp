// Secret tokens from OpenSSL's CSPRNG, and comparison of secrets without a timing side channel.
// Any thread (OpenSSL 3's RAND is thread safe).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kaso::crypto {

// `bytes` random bytes from RAND_bytes, as 2 * bytes lowercase hex digits; "" for 0. If the
// CSPRNG fails this aborts the process: a guessable token is worse than no server.
std::string random_token(std::size_t bytes);

// True if a == b. The time taken depends on the lengths only, not on the contents: strings of
// different lengths return false without their contents being compared.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace kaso::crypto
