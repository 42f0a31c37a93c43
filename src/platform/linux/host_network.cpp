// probe_default_route on Linux: the routing table from /proc/net/route, the interface's address
// from getifaddrs, the nameserver from /etc/resolv.conf. See host_network.hpp.
#include <cerrno>
#include <fstream>
#include <sstream>

#include "platform/host_network.hpp"
#include "platform/posix_error.hpp"

namespace kaso::platform {

result<default_route> probe_default_route() {
  std::ifstream in("/proc/net/route");
  if (!in) return posix_error("/proc/net/route", errno);
  std::ostringstream text;
  text << in.rdbuf();
  auto route = parse_proc_net_route(text.str());
  if (!route.ok()) return route.error();
  default_route r;
  r.interface = route->interface;
  r.gateway = route->gateway;
  if (auto address = probe_interface_ipv4(r.interface); address.ok()) {
    r.ip4 = address->ip4;
    r.cidr = address->cidr;
  }
  r.nameserver = probe_nameserver();
  return r;
}

}  // namespace kaso::platform
