// build_argv: see command_line.hpp for the contract. Each add_* step appends one group of options
// and refuses the values it cannot place safely; build_argv runs the steps in a fixed order.
#include "qemu/command_line.hpp"

#include <array>
#include <cstdio>

namespace kaso::qemu {
namespace {

using args = std::vector<std::string>;

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

error refuse(const std::string& what, std::string_view value, std::string_view why) {
  return error::invalid_argument(what + " '" + printable(value) + "' " + std::string{why});
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

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

// Linux and macOS interface names: at most 15 characters (IFNAMSIZ - 1).
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

status add_identity(const machine_spec& spec, args& out) {
  if (auto s = check_nonempty_text("qemu binary", spec.qemu_binary); !s) {
    return s;
  }
  if (spec.qemu_binary.front() != '/' && spec.qemu_binary.find('/') != std::string::npos) {
    return refuse("qemu binary", spec.qemu_binary, "is neither an absolute path nor a bare name");
  }
  if (auto s = check_nonempty_text("name", spec.name); !s) {
    return s;
  }
  out.insert(out.end(), {spec.qemu_binary, "-name", "guest=" + escape_option_value(spec.name)});
  return ok_status();
}

status add_machine(const machine_spec& spec, args& out) {
  if (spec.accel == accelerator::kvm && spec.os != host_os::linux) {
    return error::invalid_argument("the kvm accelerator exists only on Linux");
  }
  if (spec.accel == accelerator::hvf && spec.os != host_os::macos) {
    return error::invalid_argument("the hvf accelerator exists only on macOS");
  }
  if (spec.vcpu == 0) {
    return error::invalid_argument("vcpu is 0");
  }
  if (spec.ram_mb == 0) {
    return error::invalid_argument("ram_mb is 0");
  }
  out.insert(out.end(), {"-machine", spec.arch == arch::x86_64 ? "q35" : "virt"});
  out.insert(out.end(), {"-accel", std::string{to_string(spec.accel)}});
  if (spec.accel != accelerator::tcg) {
    out.insert(out.end(), {"-cpu", "host"});
  } else if (spec.arch == arch::aarch64) {
    out.insert(out.end(), {"-cpu", "max"});  // the virt default (cortex-a15) is 32-bit
  }
  out.insert(out.end(), {"-smp", std::to_string(spec.vcpu), "-m", std::to_string(spec.ram_mb)});
  out.emplace_back("-nodefaults");
  return ok_status();
}

status add_firmware(const machine_spec& spec, args& out) {
  if (spec.firmware_code.empty()) {
    if (spec.arch == arch::aarch64) {
      return error::invalid_argument("aarch64 needs firmware_code (edk2): virt has no BIOS");
    }
    if (!spec.firmware_vars.empty()) {
      return error::invalid_argument("firmware_vars is set without firmware_code");
    }
    return ok_status();  // x86_64 boots SeaBIOS
  }
  if (auto s = check_path("firmware_code", spec.firmware_code); !s) {
    return s;
  }
  out.insert(out.end(), {"-drive", "if=pflash,format=raw,readonly=on,file=" +
                                       escape_option_value(spec.firmware_code)});
  if (!spec.firmware_vars.empty()) {
    if (auto s = check_path("firmware_vars", spec.firmware_vars); !s) {
      return s;
    }
    out.insert(out.end(),
               {"-drive", "if=pflash,format=raw,file=" + escape_option_value(spec.firmware_vars)});
  }
  return ok_status();
}

// -nodefaults removed the graphics card and input devices: a visible display needs its own.
void add_graphics_devices(const machine_spec& spec, args& out) {
  out.insert(out.end(), {"-device", spec.arch == arch::x86_64 ? "virtio-vga" : "virtio-gpu-pci"});
  out.insert(out.end(), {"-device", "qemu-xhci", "-device", "usb-kbd", "-device", "usb-tablet"});
}

status add_display(const machine_spec& spec, args& out) {
  switch (spec.display) {
    case display_kind::headless:
      out.insert(out.end(), {"-display", "none"});
      return ok_status();
    case display_kind::vnc:
      if (auto s = check_socket_path("vnc_socket", spec.vnc_socket, spec.os); !s) {
        return s;
      }
      out.insert(out.end(),
                 {"-display", "none", "-vnc", "vnc=unix:" + escape_option_value(spec.vnc_socket)});
      add_graphics_devices(spec, out);
      return ok_status();
    case display_kind::gui:
      out.insert(out.end(), {"-display", spec.os == host_os::linux ? "gtk" : "cocoa"});
      add_graphics_devices(spec, out);
      return ok_status();
  }
  return error::invalid_argument("unknown display kind");
}

status add_control_sockets(const machine_spec& spec, args& out) {
  if (!spec.qmp_socket.empty()) {
    if (auto s = check_socket_path("qmp_socket", spec.qmp_socket, spec.os); !s) {
      return s;
    }
    out.insert(out.end(), {"-qmp", "unix:path=" + escape_option_value(spec.qmp_socket) +
                                       ",server=on,wait=off"});
  }
  if (!spec.serial_socket.empty()) {
    if (auto s = check_socket_path("serial_socket", spec.serial_socket, spec.os); !s) {
      return s;
    }
    out.insert(out.end(), {"-chardev",
                           "socket,id=serial0,path=" + escape_option_value(spec.serial_socket) +
                               ",server=on,wait=off",
                           "-serial", "chardev:serial0"});
  }
  return ok_status();
}

status add_disks(const machine_spec& spec, args& out) {
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const disk& d = spec.disks[i];
    if (auto s = check_path("disk " + std::to_string(i) + " path", d.path); !s) {
      return s;
    }
    std::string drive = "if=virtio,file=" + escape_option_value(d.path) +
                        ",format=" + std::string{to_string(d.format)};
    if (d.read_only) {
      drive += ",readonly=on";
    }
    out.insert(out.end(), {"-drive", drive});
  }
  out.insert(out.end(), {"-device", "virtio-rng-pci"});
  return ok_status();
}

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
    opt += ",hostfwd=" + escape_option_value("tcp:" + p.host_addr + ":" +
                                             std::to_string(p.host_port) + "-:" +
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

// -nic TYPE,model=virtio-net-pci[,restrict=on][,mac=MAC],<options of TYPE>
status add_nic(const machine_spec& spec, std::size_t index, const nic& n, args& out) {
  std::string what = "nic " + std::to_string(index);
  bool vmnet = n.kind == nic_kind::vmnet_host || n.kind == nic_kind::vmnet_shared ||
               n.kind == nic_kind::vmnet_bridged;
  if (vmnet && spec.os != host_os::macos) {
    return error::invalid_argument(what + ": vmnet exists only on macOS");
  }
  if (n.kind == nic_kind::bridge && spec.os != host_os::linux) {
    return error::invalid_argument(what + ": bridge (qemu-bridge-helper) exists only on Linux");
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
  if (!s) {
    return s;
  }
  out.insert(out.end(), {"-nic", opt});
  return ok_status();
}

status add_nics(const machine_spec& spec, args& out) {
  for (std::size_t i = 0; i < spec.nics.size(); ++i) {
    if (auto s = add_nic(spec, i, spec.nics[i], out); !s) {
      return s;
    }
  }
  return ok_status();
}

bool is_smbios_type(unsigned type) {
  for (unsigned t : {0U, 1U, 2U, 3U, 4U, 11U, 17U}) {  // what -smbios accepts in qemu 7.2
    if (type == t) {
      return true;
    }
  }
  return false;
}

status add_smbios(const machine_spec& spec, args& out) {
  for (std::size_t i = 0; i < spec.smbios.size(); ++i) {
    const smbios_entry& e = spec.smbios[i];
    std::string what = "smbios " + std::to_string(i);
    if (!is_smbios_type(e.type)) {
      return error::invalid_argument(what + " type " + std::to_string(e.type) +
                                     " is not one qemu 7.2 takes");
    }
    std::string opt = "type=" + std::to_string(e.type);
    for (const auto& [key, value] : e.fields) {
      bool key_ok = !key.empty();
      for (char c : key) {
        key_ok = key_ok && ((c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-');
      }
      if (!key_ok) {
        return refuse(what + " key", key, "is not a field name ([a-z0-9_-])");
      }
      if (auto s = check_text(what + " " + key, value); !s) {
        return s;
      }
      opt += "," + key + "=" + escape_option_value(value);
    }
    out.insert(out.end(), {"-smbios", opt});
  }
  return ok_status();
}

status add_fw_cfg(const machine_spec& spec, args& out) {
  for (std::size_t i = 0; i < spec.fw_cfg_files.size(); ++i) {
    const fw_cfg_file& f = spec.fw_cfg_files[i];
    std::string what = "fw_cfg " + std::to_string(i);
    if (auto s = check_nonempty_text(what + " name", f.name); !s) {
      return s;
    }
    // qemu reserves names outside opt/ for itself; FW_CFG_MAX_FILE_PATH is 56 with the NUL.
    if (f.name.rfind("opt/", 0) != 0 || f.name.size() > 55) {
      return refuse(what + " name", f.name, "must start with opt/ and be at most 55 characters");
    }
    if (auto s = check_path(what + " path", f.path); !s) {
      return s;
    }
    out.insert(out.end(), {"-fw_cfg", "name=" + escape_option_value(f.name) +
                                          ",file=" + escape_option_value(f.path)});
  }
  return ok_status();
}

// -pidfile takes its argument whole: no escaping.
status add_pid_file(const machine_spec& spec, args& out) {
  if (spec.pid_file.empty()) {
    return ok_status();
  }
  if (auto s = check_path("pid_file", spec.pid_file); !s) {
    return s;
  }
  out.insert(out.end(), {"-pidfile", spec.pid_file});
  return ok_status();
}

}  // namespace

std::string escape_option_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    out += c;
    if (c == ',') {
      out += ',';
    }
  }
  return out;
}

result<std::vector<std::string>> build_argv(const machine_spec& spec) {
  using step = status (*)(const machine_spec&, args&);
  static constexpr step steps[] = {add_identity, add_machine, add_firmware, add_display,
                                   add_control_sockets, add_disks, add_nics, add_smbios,
                                   add_fw_cfg, add_pid_file};
  args out;
  for (step s : steps) {
    if (status st = s(spec, out); !st) {
      return st.error();
    }
  }
  return out;
}

}  // namespace kaso::qemu
