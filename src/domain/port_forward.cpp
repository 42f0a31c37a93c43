#include "domain/port_forward.hpp"

#include <charconv>

#include "domain/ipv4.hpp"

namespace kaso::domain {
namespace {

result<std::uint16_t> port_of(std::string_view text, const char* what) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v == 0 || v > 65535) {
    return error::invalid_argument(std::string(what) + " must be a port from 1 to 65535, got '" + std::string(text) + "'");
  }
  return static_cast<std::uint16_t>(v);
}

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (true) {
    auto colon = text.find(':', at);
    out.push_back(text.substr(at, colon == std::string_view::npos ? std::string_view::npos : colon - at));
    if (colon == std::string_view::npos) return out;
    at = colon + 1;
  }
}

}  // namespace

result<port_forward> parse_port_forward(std::string_view text) {
  const std::string form = " (use [tcp|udp:][ADDR:]HOSTPORT:GUESTPORT, e.g. 8080:80)";
  if (text.size() > 64) return error::invalid_argument("a port forward is at most 64 characters" + form);
  auto parts = split(text);
  port_forward f;
  if (!parts.empty() && (parts.front() == "tcp" || parts.front() == "udp")) {
    f.proto = std::string(parts.front());
    parts.erase(parts.begin());
  }
  if (parts.size() == 3) {
    auto address = parse_ipv4(std::string(parts.front()));
    if (!address.ok()) return error::invalid_argument("'" + std::string(parts.front()) + "' is no IPv4 address" + form);
    f.address = std::string(parts.front());
    parts.erase(parts.begin());
  }
  if (parts.size() != 2) return error::invalid_argument("'" + std::string(text) + "' is no port forward" + form);
  auto host = port_of(parts[0], "the host port");
  if (!host.ok()) return host.error();
  auto guest = port_of(parts[1], "the guest port");
  if (!guest.ok()) return guest.error();
  f.host_port = *host;
  f.guest_port = *guest;
  return f;
}

result<port_forward> parse_port_forward_host(std::string_view text) {
  auto whole = parse_port_forward(text);
  if (whole.ok() || text.size() > 58) return whole;
  auto host_side = parse_port_forward(std::string(text) + ":1");
  if (!host_side.ok()) return whole.error();
  host_side->guest_port = 0;
  return host_side;
}

std::string to_string(const port_forward& f) {
  return f.proto + ":" + f.address + ":" + std::to_string(f.host_port) + ":" + std::to_string(f.guest_port);
}

bool same_host_socket(const port_forward& a, const port_forward& b) {
  return a.proto == b.proto && a.host_port == b.host_port &&
         (a.address == b.address || a.address == "0.0.0.0" || b.address == "0.0.0.0");
}

}  // namespace kaso::domain
