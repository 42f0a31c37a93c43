// The parts of host probing every OS shares: the text parsers, the interface address lookup
// (getifaddrs exists on Linux and macOS alike) and reading resolv.conf. See host_network.hpp.
#include "platform/host_network.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <optional>
#include <vector>

#include "domain/ipv4.hpp"
#include "platform/file_io.hpp"
#include "platform/posix_error.hpp"

namespace kaso::platform {
namespace {

constexpr std::uint32_t rtf_up = 0x1;
constexpr std::uint32_t rtf_gateway = 0x2;

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <class Visit>
void for_each_line(std::string_view text, Visit visit) {
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    visit(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

std::optional<std::uint32_t> parse_hex(std::string_view s) {
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::uint32_t> parse_unsigned(std::string_view s) {
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The kernel prints a network-order address as a native integer: on a little-endian host the
// first octet is the lowest byte.
std::uint32_t from_little_endian_hex(std::uint32_t v) {
  return (v & 0xff) << 24 | ((v >> 8) & 0xff) << 16 | ((v >> 16) & 0xff) << 8 | v >> 24;
}

// A route line's default-route entry, or nothing (header, other routes, malformed lines).
std::optional<route_entry> default_entry(std::string_view line) {
  auto w = words(line);
  if (w.size() < 8) return std::nullopt;
  auto destination = parse_hex(w[1]);
  auto gateway = parse_hex(w[2]);
  auto flags = parse_hex(w[3]);
  auto metric = parse_unsigned(w[6]);
  auto mask = parse_hex(w[7]);
  if (!destination || !gateway || !flags || !metric || !mask) return std::nullopt;
  if (*destination != 0 || *mask != 0 || (*flags & rtf_up) == 0) return std::nullopt;
  route_entry r{std::string(w[0]), "", *metric};
  if ((*flags & rtf_gateway) != 0) r.gateway = domain::format_ipv4(from_little_endian_hex(*gateway));
  return r;
}

result<std::string> read_small_file(const std::string& path) {
  auto fd = open_file(path, O_RDONLY);
  if (!fd.ok()) return fd.error();
  std::string text;
  char buffer[4096];
  while (text.size() < 1024 * 1024) {
    auto n = read_some(fd->get(), buffer, sizeof buffer, path);
    if (!n.ok()) return n.error();
    if (*n == 0) break;
    text.append(buffer, *n);
  }
  return text;
}

}  // namespace

result<route_entry> parse_proc_net_route(std::string_view text) {
  std::optional<route_entry> best;
  for_each_line(text, [&](std::string_view line) {
    auto r = default_entry(line);
    if (r && (!best || r->metric < best->metric)) best = std::move(r);
  });
  if (!best) return error::not_found("the host has no default IPv4 route");
  return *best;
}

std::string parse_resolv_conf(std::string_view text) {
  std::string found;
  for_each_line(text, [&](std::string_view line) {
    auto w = words(line);
    if (!found.empty() || w.size() < 2 || w[0] != "nameserver") return;
    auto ip = domain::parse_ipv4(w[1]);
    // A loopback resolver (systemd-resolved's 127.0.0.53) means nothing to a guest: skip it.
    if (ip.ok() && (*ip >> 24) != 127) found = std::string(w[1]);
  });
  return found;
}

result<interface_ipv4> probe_interface_ipv4(const std::string& interface) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return posix_error("getifaddrs", errno);
  std::optional<interface_ipv4> found;
  for (const ifaddrs* a = list; a != nullptr && !found; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET || interface != a->ifa_name) continue;
    std::uint32_t ip = ntohl(reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
    found = interface_ipv4{domain::format_ipv4(ip), ""};
    if (a->ifa_netmask == nullptr) continue;
    std::uint32_t mask = ntohl(reinterpret_cast<const sockaddr_in*>(a->ifa_netmask)->sin_addr.s_addr);
    if (auto prefix = domain::netmask_prefix(mask)) {
      found->cidr = domain::format_cidr(domain::network_of(ip, *prefix));
    }
  }
  ::freeifaddrs(list);
  if (!found) return error::not_found("interface '" + interface + "' has no IPv4 address");
  return *found;
}

std::string probe_nameserver() {
  auto text = read_small_file("/etc/resolv.conf");
  return text.ok() ? parse_resolv_conf(*text) : std::string();
}

}  // namespace kaso::platform
