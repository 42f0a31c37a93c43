#include "vm/network_nic.hpp"

#include <vector>

#include "domain/ipv4.hpp"

namespace kaso::vm {
namespace {

using domain::network;
using domain::network_kind;

error refuse(const network& n, const std::string& why) {
  return error::invalid_argument("network '" + n.name + "' " + why);
}

result<qemu::nic> linux_user_nic(const network& n, const nic_request& r) {
  qemu::nic nic;
  nic.kind = n.kind == network_kind::host_only ? qemu::nic_kind::user_restricted : qemu::nic_kind::user_nat;
  nic.mac = r.mac;
  nic.cidr = n.cidr;
  nic.dhcp_start = n.dhcp_start;
  nic.dns = n.nameserver;
  nic.host_addr = n.gateway;
  if (r.ssh_host_port != 0) nic.port_forwards.push_back({"tcp", "127.0.0.1", r.ssh_host_port, 22, r.static_ip4});
  for (const auto& f : r.forwards) nic.port_forwards.push_back({f.proto, f.address, f.host_port, f.guest_port, r.static_ip4});
  if (r.guest_service_host_port != 0 || !r.guest_service_socket.empty()) {
    auto address = domain::guest_service_address(n);
    if (!address.ok()) return address.error();
    std::vector<std::string> command = {"nc", "-U", r.guest_service_socket};
    if (r.guest_service_host_port != 0) {
      command = {"nc", "127.0.0.1", std::to_string(r.guest_service_host_port)};
    }
    nic.guest_forwards.push_back({*address, 80, std::move(command)});
  }
  return nic;
}

bool rfc1918(const domain::ipv4_network& net) {
  for (const char* block : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}) {
    auto b = domain::parse_cidr(block).value();
    if (net.prefix >= b.prefix && domain::contains(b, net.address)) return true;
  }
  return false;
}

result<qemu::nic> macos_vmnet_nic(const network& n, const nic_request& r) {
  auto net = domain::parse_cidr(n.cidr);
  auto gateway = domain::parse_ipv4(n.gateway, "gateway");
  auto start = domain::parse_ipv4(n.dhcp_start, "dhcp_start");
  if (!net.ok()) return net.error();
  if (!gateway.ok()) return gateway.error();
  if (!start.ok()) return start.error();
  if (!rfc1918(*net)) return refuse(n, "has cidr " + n.cidr + " outside RFC 1918, which vmnet refuses");
  if (*gateway >= *start) {
    return refuse(n, "has gateway " + n.gateway + " above its DHCP range; vmnet needs the host below it");
  }
  qemu::nic nic;
  nic.kind = n.kind == network_kind::host_only ? qemu::nic_kind::vmnet_host : qemu::nic_kind::vmnet_shared;
  nic.mac = r.mac;
  nic.start_address = n.gateway;
  nic.end_address = n.dhcp_end;
  nic.subnet_mask = domain::netmask_string(net->prefix);
  return nic;
}

result<qemu::nic> bridged_nic(qemu::host_os os, const network& n, const nic_request& r) {
  qemu::nic nic;
  nic.mac = r.mac;
  if (os == qemu::host_os::linux) {
    if (n.bridge.empty()) return refuse(n, "has no bridge: give one (e.g. br0) to bridge guests on Linux");
    nic.kind = qemu::nic_kind::bridge;
    nic.bridge = n.bridge;
  } else {
    if (n.host_interface.empty()) return refuse(n, "has no host_interface to bridge to (e.g. en0)");
    nic.kind = qemu::nic_kind::vmnet_bridged;
    nic.ifname = n.host_interface;
  }
  return nic;
}

}  // namespace

result<qemu::nic> nic_for(qemu::host_os os, const network& n, const nic_request& r) {
  if (r.guest_service_host_port != 0 && !r.guest_service_socket.empty()) {
    return error::invalid_argument("the guest service is reached through a port or a socket, not both");
  }
  if (n.kind == network_kind::bridged) return bridged_nic(os, n, r);
  return os == qemu::host_os::linux ? linux_user_nic(n, r) : macos_vmnet_nic(n, r);
}

}  // namespace kaso::vm
