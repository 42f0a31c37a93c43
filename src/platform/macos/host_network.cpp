// probe_default_route on macOS, best effort: the first interface that is up, not a loopback or
// point-to-point link and has an IPv4 address (en0 preferred), and the nameserver from
// /etc/resolv.conf. The gateway stays empty: reading it needs a PF_ROUTE sysctl dump, and the
// bridged network uses only the interface (vmnet-bridged ifname=). See host_network.hpp.
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "platform/host_network.hpp"
#include "platform/posix_error.hpp"

namespace kaso::platform {
namespace {

bool candidate(const ifaddrs* a) {
  unsigned flags = a->ifa_flags;
  return a->ifa_addr != nullptr && a->ifa_addr->sa_family == AF_INET && (flags & IFF_UP) != 0 &&
         (flags & IFF_RUNNING) != 0 && (flags & IFF_LOOPBACK) == 0 && (flags & IFF_POINTOPOINT) == 0;
}

}  // namespace

result<default_route> probe_default_route() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return posix_error("getifaddrs", errno);
  std::string chosen;
  for (const ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (!candidate(a)) continue;
    if (chosen.empty() || std::string(a->ifa_name) == "en0") chosen = a->ifa_name;
  }
  ::freeifaddrs(list);
  if (chosen.empty()) return error::not_found("the host has no interface with an IPv4 address");
  default_route r;
  r.interface = chosen;
  if (auto address = probe_interface_ipv4(chosen); address.ok()) {
    r.ip4 = address->ip4;
    r.cidr = address->cidr;
  }
  r.nameserver = probe_nameserver();
  return r;
}

}  // namespace kaso::platform
