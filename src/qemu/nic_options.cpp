// The -nic options of build_argv: see nic_options.hpp. Each append_* adds one group of
// `,key=value` pairs to the option string, checking every value first.
#include "qemu/nic_options.hpp"

#include <cstddef>
#include <string_view>

#include "qemu/command_line.hpp"
#include "qemu/value_checks.hpp"

namespace kaso::qemu {
namespace {

// One `key=value` of an option string, before validation.
struct keyed_value {
  const char* key;
  const std::string& value;
};

// hostfwd=tcp:HOST_ADDR:HOST_PORT-:GUEST_PORT, one per forward.
status append_host_forwards(const std::string& what, const nic& n, std::string& opt) {
  for (std::size_t i = 0; i < n.port_forwards.size(); ++i) {
    const port_forward& p = n.port_forwards[i];
    std::string fwd = what + " port forward " + std::to_string(i);
    if (auto s = check_ipv4(fwd + " host_addr", p.host_addr); !s) {
      return s;
    }
    if (auto s = check_port(fwd + " host_port", p.host_port); !s) {
      return s;
    }
    if (auto s = check_port(fwd + " guest_port", p.guest_port); !s) {
      return s;
    }
    if (!p.guest_addr.empty()) {
      if (auto s = check_ipv4(fwd + " guest_addr", p.guest_addr); !s) {
        return s;
      }
    }
    if (p.proto != "tcp" && p.proto != "udp") {
      return error::invalid_argument(fwd + " proto must be tcp or udp");
    }
    opt += ",hostfwd=" + escape_option_value(p.proto + ":" + p.host_addr + ":" +
                                             std::to_string(p.host_port) + "-" + p.guest_addr + ":" +
                                             std::to_string(p.guest_port));
  }
  return ok_status();
}

// guestfwd=tcp:GUEST_ADDR:GUEST_PORT-cmd:WORD WORD..., one per forward.
status append_guest_forwards(const std::string& what, const nic& n, std::string& opt) {
  for (std::size_t i = 0; i < n.guest_forwards.size(); ++i) {
    const guest_forward& g = n.guest_forwards[i];
    std::string fwd = what + " guest forward " + std::to_string(i);
    if (auto s = check_ipv4(fwd + " guest_addr", g.guest_addr); !s) {
      return s;
    }
    if (auto s = check_port(fwd + " guest_port", g.guest_port); !s) {
      return s;
    }
    if (g.command.empty()) {
      return error::invalid_argument(fwd + " command is empty");
    }
    std::string cmd;
    for (std::size_t w = 0; w < g.command.size(); ++w) {
      std::string word = fwd + " command word " + std::to_string(w);
      if (auto s = check_command_word(word, g.command[w]); !s) {
        return s;
      }
      cmd += (w == 0 ? "" : " ") + g.command[w];
    }
    opt += ",guestfwd=" + escape_option_value("tcp:" + g.guest_addr + ":" +
                                              std::to_string(g.guest_port) + "-cmd:" + cmd);
  }
  return ok_status();
}

// The slirp options: net=, dhcpstart=, dns=, host=, then the forwards.
status append_user_options(const std::string& what, const nic& n, std::string& opt) {
  if (!n.cidr.empty()) {
    if (auto s = check_cidr(what + " cidr", n.cidr); !s) {
      return s;
    }
    opt += ",net=" + escape_option_value(n.cidr);
  }
  for (const keyed_value& f : {keyed_value{"dhcpstart", n.dhcp_start}, keyed_value{"dns", n.dns},
                               keyed_value{"host", n.host_addr}}) {
    if (f.value.empty()) {
      continue;
    }
    if (auto s = check_ipv4(what + " " + f.key, f.value); !s) {
      return s;
    }
    opt += std::string{","} + f.key + "=" + escape_option_value(f.value);
  }
  if (auto s = append_host_forwards(what, n, opt); !s) {
    return s;
  }
  return append_guest_forwards(what, n, opt);
}

status append_vmnet_range(const std::string& what, const nic& n, std::string& opt) {
  if (n.start_address.empty() && n.end_address.empty() && n.subnet_mask.empty()) {
    return ok_status();
  }
  for (const keyed_value& f : {keyed_value{"start-address", n.start_address},
                               keyed_value{"end-address", n.end_address},
                               keyed_value{"subnet-mask", n.subnet_mask}}) {
    if (auto s = check_ipv4(what + " " + f.key, f.value); !s) {
      return s;  // vmnet wants all three or none: an empty one is refused here too
    }
    opt += std::string{","} + f.key + "=" + escape_option_value(f.value);
  }
  return ok_status();
}

std::string_view netdev_type(nic_kind kind) {
  switch (kind) {
    case nic_kind::user_restricted:
    case nic_kind::user_nat: return "user";
    case nic_kind::bridge: return "bridge";
    case nic_kind::vmnet_host: return "vmnet-host";
    case nic_kind::vmnet_shared: return "vmnet-shared";
    case nic_kind::vmnet_bridged: return "vmnet-bridged";
  }
  return "none";
}

// The options only `n.kind` takes, after TYPE, model, restrict and mac.
status append_kind_options(const std::string& what, const nic& n, std::string& opt) {
  status s = ok_status();
  switch (n.kind) {
    case nic_kind::user_restricted:
    case nic_kind::user_nat:
      s = append_user_options(what, n, opt);
      break;
    case nic_kind::bridge:
      s = check_ifname(what + " bridge", n.bridge);
      opt += ",br=" + escape_option_value(n.bridge);
      break;
    case nic_kind::vmnet_host:
    case nic_kind::vmnet_shared:
      s = append_vmnet_range(what, n, opt);
      break;
    case nic_kind::vmnet_bridged:
      s = check_ifname(what + " ifname", n.ifname);
      opt += ",ifname=" + escape_option_value(n.ifname);
      break;
  }
  return s;
}

status check_nic_platform(const machine_spec& spec, const std::string& what, const nic& n) {
  bool vmnet = n.kind == nic_kind::vmnet_host || n.kind == nic_kind::vmnet_shared ||
               n.kind == nic_kind::vmnet_bridged;
  if (vmnet && spec.os != host_os::macos) {
    return error::invalid_argument(what + ": vmnet exists only on macOS");
  }
  if (n.kind == nic_kind::bridge && spec.os != host_os::linux) {
    return error::invalid_argument(what + ": bridge (qemu-bridge-helper) exists only on Linux");
  }
  return ok_status();
}

// -nic TYPE,model=virtio-net-pci[,restrict=on][,mac=MAC],<options of TYPE>
status add_nic(const machine_spec& spec, std::size_t index, const nic& n,
               std::vector<std::string>& out) {
  std::string what = "nic " + std::to_string(index);
  if (auto s = check_nic_platform(spec, what, n); !s) {
    return s;
  }
  std::string opt = std::string{netdev_type(n.kind)} + ",model=virtio-net-pci";
  if (n.kind == nic_kind::user_restricted) {
    opt += ",restrict=on";
  }
  if (!n.mac.empty()) {
    if (auto s = check_mac(what + " mac", n.mac); !s) {
      return s;
    }
    opt += ",mac=" + escape_option_value(n.mac);
  }
  if (auto s = append_kind_options(what, n, opt); !s) {
    return s;
  }
  out.insert(out.end(), {"-nic", opt});
  return ok_status();
}

}  // namespace

status add_nics(const machine_spec& spec, std::vector<std::string>& out) {
  for (std::size_t i = 0; i < spec.nics.size(); ++i) {
    if (auto s = add_nic(spec, i, spec.nics[i], out); !s) {
      return s;
    }
  }
  return ok_status();
}

}  // namespace kaso::qemu
