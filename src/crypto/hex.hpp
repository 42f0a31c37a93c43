// Lowercase hexadecimal encoding of bytes, as sha256sum prints digests. Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace kaso::crypto {

std::string to_hex(std::string_view bytes);

}  // namespace kaso::crypto
