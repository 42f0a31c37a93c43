// The checks build_argv applies to each value before placing it in a qemu option: text without
// control characters, absolute paths, Unix socket path lengths, MACs, dotted-quad IPv4 addresses
// and networks, ports, interface names, guestfwd command words and smbios field names. See the
// safety contract in command_line.hpp for why each exists.
//
// Private to src/qemu (the command-line builders). Each check returns errc::invalid_argument whose
// message starts with `what` and shows the value with control characters as \xNN. Pure functions:
// any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "qemu/machine_spec.hpp"
#include "util/error.hpp"

namespace kaso::qemu {

// "<what> '<value>' <why>" as invalid_argument; the value at most 80 characters, printable.
error refuse(const std::string& what, std::string_view value, std::string_view why);

// No control character (NUL, newline, tab, DEL, ...).
status check_text(const std::string& what, std::string_view value);
status check_nonempty_text(const std::string& what, std::string_view value);

// Non-empty text starting with '/'.
status check_path(const std::string& what, std::string_view path);

// An absolute path that fits sockaddr_un::sun_path on `os`.
status check_socket_path(const std::string& what, std::string_view path, host_os os);

// Six hex pairs separated by ':', not multicast.
status check_mac(const std::string& what, std::string_view mac);

// A plain dotted quad, no leading zeros (slirp's inet_aton would read "010" as octal).
status check_ipv4(const std::string& what, std::string_view addr);

// A dotted quad, '/', a prefix length 0..32.
status check_cidr(const std::string& what, std::string_view cidr);

status check_port(const std::string& what, std::uint16_t port);

// [A-Za-z0-9_.-], 1 to 15 characters (IFNAMSIZ - 1 on Linux and macOS).
status check_ifname(const std::string& what, std::string_view name);

// A word libslirp's g_shell_parse_argv passes unchanged: [A-Za-z0-9_./:@%+=-], non-empty.
status check_command_word(const std::string& what, std::string_view word);

// An -smbios field name: [a-z0-9_-], non-empty.
status check_smbios_key(const std::string& what, std::string_view key);

}  // namespace kaso::qemu
