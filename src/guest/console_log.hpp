// The serial console's log: qemu appends everything the guest writes to its serial port to
// console.log in the instance directory (the console chardev's logfile), across boots. Kept
// bounded here: when it grows past a limit it becomes console.log.1 (replacing the older one) and
// console.log starts empty, so an instance's console costs at most about twice the limit.
//
// Also the boot stage a console shows, a pure function of the text one boot wrote.
//
// Any thread may call these; they touch only the files named.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaso::guest {

// The most console.log holds before it is rotated.
inline constexpr std::uint64_t console_log_limit = std::uint64_t{1} << 20;

// The older half of the log: `path` + ".1".
std::filesystem::path older_console_log(const std::filesystem::path& path);

// When `path` holds more than `limit` bytes: its bytes go to the older log and it is emptied in
// place (qemu keeps writing to the same file, appending). Nothing when it is smaller or missing.
// Returns whether it rotated.
result<bool> bound_console_log(const std::filesystem::path& path, std::uint64_t limit = console_log_limit);

// The last `max_bytes` bytes of the older log followed by the current one: what `kaso instance
// logs` shows. `end` is set to the current log's size (where a follower continues from).
result<std::string> read_console_tail(const std::filesystem::path& path, std::uint64_t max_bytes,
                                      std::uint64_t& end);

// The current log's bytes from `offset` on, at most `max_bytes`; `end` is where they stop. When
// the log was rotated since (offset past its size), from its start.
result<std::string> read_console_from(const std::filesystem::path& path, std::uint64_t offset,
                                      std::uint64_t max_bytes, std::uint64_t& end);

// How far a boot has come, by what it wrote to the console (and, last, by sshd answering).
enum class boot_stage { firmware, kernel, login_prompt, ssh };
std::string_view to_string(boot_stage s);

// The furthest stage `text` (one boot's console output) shows: the kernel's banner ("Linux
// version") means kernel; a login prompt ("login: ") means login_prompt. Never ssh.
boot_stage stage_of_console(std::string_view text);

}  // namespace kaso::guest
