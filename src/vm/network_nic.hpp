// nic_for: how a kaso network becomes a qemu network card on each host OS. A pure function of
// plain data, compiled on every OS so that the macOS mappings are tested on Linux too; the values
// it produces are checked again by qemu::build_argv. Any thread may call it.
//
// | network   | Linux                                          | macOS                        |
// |-----------|------------------------------------------------|------------------------------|
// | host-only | user_restricted (slirp, restrict=on) + forwards | vmnet_host, address range    |
// | shared    | user_nat (slirp with outbound NAT) + forwards   | vmnet_shared, address range  |
// | bridged   | bridge: qemu-bridge-helper joins `bridge`       | vmnet_bridged on host_interface |
//
// On Linux the slirp network mirrors the kaso network: net=cidr, dhcpstart=dhcp_start,
// host=gateway, dns=nameserver (slirp hands out up to 16 leases from dhcp_start, so dhcp_end is
// not passed on), an SSH forward from 127.0.0.1 and the guest service forward (a guestfwd at
// guest_service_address:80 running `nc 127.0.0.1 PORT` or `nc -U SOCKET`), each when asked for.
//
// On macOS vmnet takes start-address as the host's own address (the guests' gateway and DNS) and
// hands out start+1 .. end-address, so the range is gateway .. dhcp_end: the gateway must lie below
// the DHCP range, and vmnet wants RFC 1918 addresses. Guests are reachable directly: no forwards.
#pragma once

#include <cstdint>
#include <string>

#include "domain/network.hpp"
#include "domain/port_forward.hpp"
#include "qemu/machine_spec.hpp"
#include "util/error.hpp"

namespace kaso::vm {

// What an instance asks of its nic. The forwards apply to Linux user networks only; the guest
// service is reached either through a TCP port on 127.0.0.1 (`nc 127.0.0.1 PORT`) or through a
// Unix socket (`nc -U PATH`, netcat-openbsd), not both.
struct nic_request {
  std::string mac;                            // empty lets qemu pick
  std::uint16_t ssh_host_port = 0;            // 127.0.0.1:port -> guest 22; 0: none
  std::uint16_t guest_service_host_port = 0;  // the guest service on 127.0.0.1:port; 0: none
  std::string guest_service_socket;           // the guest service on this Unix socket; empty: none
  std::string static_ip4;                     // the guest's static address: the SSH forward's target
  std::vector<domain::port_forward> forwards;  // more forwards, to the same guest address
};

// Errors: invalid_argument when both a guest service port and socket are given, or naming the
// network when it cannot be mapped (a bridged network without
// a bridge on Linux or without a host_interface on macOS; on macOS a gateway not below the DHCP
// range or addresses outside RFC 1918; no address left for the guest service) or its stored
// addresses do not parse.
result<qemu::nic> nic_for(qemu::host_os os, const domain::network& n, const nic_request& r);

}  // namespace kaso::vm
