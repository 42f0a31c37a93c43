#include "domain/ipv4.hpp"

#include <charconv>

namespace kaso::domain {
namespace {

// The value as it may appear in a message: at most 80 characters, control bytes as \xNN.
std::string shown(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s.substr(0, 80)) {
    if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// One decimal number of at most `max_digits` digits, no leading zero, at most `max`.
std::optional<unsigned> parse_decimal(std::string_view s, std::size_t max_digits, unsigned max) {
  if (!all_digits(s) || s.size() > max_digits) return std::nullopt;
  if (s.size() > 1 && s.front() == '0') return std::nullopt;
  unsigned v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  if (v > max) return std::nullopt;
  return v;
}

}  // namespace

result<std::uint32_t> parse_ipv4(std::string_view text, std::string_view what) {
  auto fail = [&](std::string_view why) {
    return error::invalid_argument(std::string(what) + " '" + shown(text) + "' " + std::string(why));
  };
  std::uint32_t address = 0;
  std::size_t start = 0;
  for (int part = 0; part < 4; ++part) {
    std::size_t dot = text.find('.', start);
    bool last = part == 3;
    if (last != (dot == std::string_view::npos)) {
      return fail("is not an IPv4 address: it needs exactly four parts a.b.c.d");
    }
    std::string_view piece = text.substr(start, last ? std::string_view::npos : dot - start);
    if (!all_digits(piece)) return fail("is not an IPv4 address: each part is a decimal number");
    if (piece.size() > 1 && piece.front() == '0') {
      return fail("has a part with a leading zero, which some parsers read as octal");
    }
    auto v = parse_decimal(piece, 3, 255);
    if (!v) return fail("has a part above 255");
    address = (address << 8) | *v;
    start = dot + 1;
  }
  return address;
}

std::string format_ipv4(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

result<ipv4_network> parse_cidr(std::string_view text, std::string_view what) {
  auto fail = [&](std::string_view why) {
    return error::invalid_argument(std::string(what) + " '" + shown(text) + "' " + std::string(why));
  };
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return fail("is not a network: it needs the form a.b.c.d/n");
  auto ip = parse_ipv4(text.substr(0, slash), what);
  if (!ip.ok()) return ip.error();
  auto prefix = parse_decimal(text.substr(slash + 1), 2, 32);
  if (!prefix) return fail("has a prefix length that is not a number from 0 to 32");
  ipv4_network n = network_of(*ip, *prefix);
  if (n.address != *ip) {
    return fail("has host bits set: the network address is " + format_cidr(n));
  }
  return n;
}

std::string format_cidr(const ipv4_network& n) {
  return format_ipv4(n.address) + "/" + std::to_string(n.prefix);
}

ipv4_network network_of(std::uint32_t ip, unsigned prefix) {
  return {ip & prefix_netmask(prefix), prefix};
}

std::uint32_t prefix_netmask(unsigned prefix) {
  return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix);
}

std::string netmask_string(unsigned prefix) { return format_ipv4(prefix_netmask(prefix)); }

std::optional<unsigned> netmask_prefix(std::uint32_t mask) {
  unsigned prefix = 0;
  while (prefix < 32 && (mask & (std::uint32_t{1} << (31 - prefix))) != 0) ++prefix;
  if (mask != prefix_netmask(prefix)) return std::nullopt;
  return prefix;
}

std::uint32_t network_address(const ipv4_network& n) { return n.address & prefix_netmask(n.prefix); }

std::uint32_t broadcast_address(const ipv4_network& n) {
  return network_address(n) | ~prefix_netmask(n.prefix);
}

bool contains(const ipv4_network& n, std::uint32_t ip) {
  return (ip & prefix_netmask(n.prefix)) == network_address(n);
}

bool overlaps(const ipv4_network& a, const ipv4_network& b) {
  // Two aligned blocks overlap exactly when the larger one contains the smaller one's start.
  return a.prefix <= b.prefix ? contains(a, network_address(b)) : contains(b, network_address(a));
}

std::uint32_t first_host(const ipv4_network& n) {
  return n.prefix >= 31 ? network_address(n) : network_address(n) + 1;
}

std::uint32_t last_host(const ipv4_network& n) {
  return n.prefix >= 31 ? broadcast_address(n) : broadcast_address(n) - 1;
}

}  // namespace kaso::domain
