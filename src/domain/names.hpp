// Validation of the names users give to objects. Names become directory names, qemu arguments,
// hostnames and user names in guests, so they are restricted to a safe alphabet. Pure; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace kaso::domain {

// 1-63 characters, [a-z0-9][a-z0-9_.-]*. `what` names the object in the message ("identity").
status validate_name(std::string_view what, std::string_view name);

// True when `text` holds a control character: below 0x20, 0x7f, a C1 control (U+0080..U+009F)
// or a bidirectional control (U+200E/F, U+202A..E, U+2066..9) in UTF-8.
bool has_control_characters(std::string_view text);

// The instances `ids` by name where `names` knows it, else by id: what a `used_by` shows and a
// refusal to remove something in use names.
std::vector<std::string> instance_names_of(const std::set<std::uint64_t>& ids,
                                           const std::map<std::uint64_t, std::string>& names);
// The same, as "vm1, vm2".
std::string joined_instance_names(const std::set<std::uint64_t>& ids, const std::map<std::uint64_t, std::string>& names);

}  // namespace kaso::domain
