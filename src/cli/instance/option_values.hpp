// The number-like option values of the instance verbs, parsed here so that junk is a usage error
// before anything is sent: counts (--vcpu, --ram, --timeout) and disk sizes (-s 5G). Sizes are
// binary, as qemu-img reads them: 1K = 1024 bytes, 5G = 5368709120. Pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "util/error.hpp"

namespace kaso::cli::instance {

// `text` as a count of at least `min` and at most `max`; `option` names the option in the error
// ("--vcpu must be a positive integer, got 'x'").
result<std::uint64_t> parse_count(const std::string& option, const std::string& text,
                                  std::uint64_t min, std::uint64_t max = UINT64_MAX);

// Bytes from "5368709120", "512M", "5G", "10g", "1T", "5GB" (kaso::parse_byte_size: digits, then
// K, M, G or T in either case, optionally followed by B). Zero, a fraction, a sign, another
// suffix or more than 64 bits is an invalid_argument error naming `option`.
result<std::uint64_t> parse_size(const std::string& option, const std::string& text);

}  // namespace kaso::cli::instance
