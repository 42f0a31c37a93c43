// Validation of the names users give to objects. Names become directory names, qemu arguments,
// hostnames and user names in guests, so they are restricted to a safe alphabet. Pure; any thread.
#pragma once

#include <string_view>

#include "util/error.hpp"

namespace kaso::domain {

// 1-63 characters, [a-z0-9][a-z0-9_.-]*. `what` names the object in the message ("identity").
status validate_name(std::string_view what, std::string_view name);

// True when `text` holds a control character: below 0x20, 0x7f, a C1 control (U+0080..U+009F)
// or a bidirectional control (U+200E/F, U+202A..E, U+2066..9) in UTF-8.
bool has_control_characters(std::string_view text);

}  // namespace kaso::domain
