// parse_byte_size: "5G", "512M", "10g", "1T", "4096" -> bytes (binary units: K = 1024). The
// server reads default_os_disk_size with it, the CLI reads `-s`. Pure; any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/error.hpp"

namespace kaso {

// Errors: invalid_argument (empty, junk, a unit other than K/M/G/T with an optional B, overflow).
result<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace kaso
