// The value checks of build_argv: see value_checks.hpp.
#include "qemu/value_checks.hpp"

#include <array>
#include <cstdio>

namespace kaso::qemu {
namespace {

// The value for an error message: control characters as \xNN, at most 80 characters.
std::string printable(std::string_view value) {
  std::string out;
  for (unsigned char c : value.substr(0, 80)) {
    if (c < 0x20 || c == 0x7f) {
      std::array<char, 5> hex{};
      std::snprintf(hex.data(), hex.size(), "\\x%02x", c);
      out += hex.data();
    } else {
      out += static_cast<char>(c);
    }
  }
  return value.size() > 80 ? out + "..." : out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// 0..max in decimal, without leading zeros (slirp's inet_aton would read "010" as octal).
bool is_decimal(std::string_view s, unsigned max) {
  if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0')) {
    return false;
  }
  unsigned value = 0;
  for (char c : s) {
    if (!is_digit(c)) {
      return false;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value <= max;
}

bool is_ipv4(std::string_view s) {
  for (int part = 0; part < 4; ++part) {
    std::size_t dot = s.find('.');
    bool last = part == 3;
    if (last != (dot == std::string_view::npos)) {
      return false;
    }
    if (!is_decimal(s.substr(0, dot), 255)) {
      return false;
    }
    s = last ? std::string_view{} : s.substr(dot + 1);
  }
  return true;
}

}  // namespace

error refuse(const std::string& what, std::string_view value, std::string_view why) {
  return error::invalid_argument(what + " '" + printable(value) + "' " + std::string{why});
}

status check_text(const std::string& what, std::string_view value) {
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      return refuse(what, value, "contains a control character");
    }
  }
  return ok_status();
}

status check_nonempty_text(const std::string& what, std::string_view value) {
  if (value.empty()) {
    return error::invalid_argument(what + " is empty");
  }
  return check_text(what, value);
}

status check_path(const std::string& what, std::string_view path) {
  if (auto s = check_nonempty_text(what, path); !s) {
    return s;
  }
  if (path.front() != '/') {
    return refuse(what, path, "is not an absolute path");
  }
  return ok_status();
}

// sizeof(sockaddr_un::sun_path) is 108 on Linux and 104 on macOS, including the NUL.
status check_socket_path(const std::string& what, std::string_view path, host_os os) {
  if (auto s = check_path(what, path); !s) {
    return s;
  }
  std::size_t max = os == host_os::linux ? 107 : 103;
  if (path.size() > max) {
    return refuse(what, path, "is longer than a Unix socket path may be");
  }
  return ok_status();
}

status check_mac(const std::string& what, std::string_view mac) {
  bool well_formed = mac.size() == 17;
  for (std::size_t i = 0; well_formed && i < mac.size(); ++i) {
    well_formed = i % 3 == 2 ? mac[i] == ':' : is_hex(mac[i]);
  }
  if (!well_formed) {
    return refuse(what, mac, "is not six hex pairs separated by ':'");
  }
  // The low bit of the first octet is the second hex digit's low bit.
  int second_digit = is_digit(mac[1]) ? mac[1] - '0' : (mac[1] | 0x20) - 'a' + 10;
  if (second_digit & 1) {
    return refuse(what, mac, "is a multicast address");
  }
  return ok_status();
}

status check_ipv4(const std::string& what, std::string_view addr) {
  if (!is_ipv4(addr)) {
    return refuse(what, addr, "is not a dotted-quad IPv4 address");
  }
  return ok_status();
}

status check_cidr(const std::string& what, std::string_view cidr) {
  std::size_t slash = cidr.find('/');
  if (slash == std::string_view::npos || !is_ipv4(cidr.substr(0, slash)) ||
      !is_decimal(cidr.substr(slash + 1), 32)) {
    return refuse(what, cidr, "is not an IPv4 network like 10.0.2.0/24");
  }
  return ok_status();
}

status check_port(const std::string& what, std::uint16_t port) {
  if (port == 0) {
    return error::invalid_argument(what + " is 0");
  }
  return ok_status();
}

status check_ifname(const std::string& what, std::string_view name) {
  bool ok = !name.empty() && name.size() <= 15;
  for (char c : name) {
    ok = ok && (is_alnum(c) || c == '_' || c == '.' || c == '-');
  }
  if (!ok) {
    return refuse(what, name, "is not an interface name ([A-Za-z0-9_.-], 1 to 15 characters)");
  }
  return ok_status();
}

// libslirp runs a guestfwd cmd: through g_shell_parse_argv: only words it cannot reinterpret.
status check_command_word(const std::string& what, std::string_view word) {
  bool ok = !word.empty();
  for (char c : word) {
    ok = ok && (is_alnum(c) || std::string_view{"_./:@%+=-"}.find(c) != std::string_view::npos);
  }
  if (!ok) {
    return refuse(what, word, "is not a plain word ([A-Za-z0-9_./:@%+=-]) slirp passes unchanged");
  }
  return ok_status();
}

status check_smbios_key(const std::string& what, std::string_view key) {
  bool key_ok = !key.empty();
  for (char c : key) {
    key_ok = key_ok && ((c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-');
  }
  if (!key_ok) {
    return refuse(what, key, "is not a field name ([a-z0-9_-])");
  }
  return ok_status();
}

}  // namespace kaso::qemu
