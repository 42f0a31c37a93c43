// machine_spec: plain data describing one virtual machine for qemu to run.
//
// Independent of the rest of the product (no identities, no events, no host probing): whoever
// starts a VM fills one in from its own state and the platform's answers (accelerator, firmware
// paths, bridge names), and build_argv (command_line.hpp) turns it into a qemu argv. Value type:
// any thread may use it. Nothing here is checked; build_argv refuses what qemu could misread.
//
// `host_os::linux` relies on the project building with compiler extensions off (-std=c++20):
// under -std=gnu++20 `linux` is a predefined macro.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kaso::qemu {

enum class arch { x86_64, aarch64 };
enum class accelerator { kvm, hvf, tcg };
enum class host_os { linux, macos };

enum class disk_format { qcow2, raw };

struct disk {
  std::string path;  // absolute
  disk_format format = disk_format::qcow2;
  bool read_only = false;
};

enum class nic_kind {
  user_restricted,  // slirp with restrict=on: only the forwards below reach the guest
  user_nat,         // slirp with outbound NAT
  bridge,           // Linux: qemu-bridge-helper attaches a tap to `bridge`
  vmnet_host,       // macOS vmnet.framework, host-only
  vmnet_shared,     // macOS vmnet.framework, NAT
  vmnet_bridged,    // macOS vmnet.framework, bridged to `ifname`
};

// Host port -> guest port (slirp hostfwd), TCP or UDP. The guest side is `guest_addr`, or slirp's
// first DHCP address when empty (a guest with a static address must name it).
struct port_forward {
  std::string proto = "tcp";  // tcp or udp
  std::string host_addr = "127.0.0.1";
  std::uint16_t host_port = 0;
  std::uint16_t guest_port = 0;
  std::string guest_addr;
};

// Guest connections to guest_addr:guest_port are served by running `command` on the host, one
// process per connection, its stdin/stdout being the connection (slirp guestfwd cmd: form).
struct guest_forward {
  std::string guest_addr;  // inside the slirp network, e.g. "10.0.2.100"
  std::uint16_t guest_port = 0;
  std::vector<std::string> command;  // argv, e.g. {"nc", "127.0.0.1", "41234"}
};

// One network card. Which members matter depends on `kind`; empty strings mean "qemu's default".
struct nic {
  nic_kind kind = nic_kind::user_restricted;
  std::string mac;  // "52:54:00:12:34:56"; empty lets qemu pick (not unique across VMs)

  // user_restricted, user_nat
  std::string cidr;        // net=, "172.16.4.0/24"
  std::string dhcp_start;  // dhcpstart=
  std::string dns;         // dns=
  std::string host_addr;   // host=, the host as seen from the guest
  std::vector<port_forward> port_forwards;
  std::vector<guest_forward> guest_forwards;

  // bridge
  std::string bridge;  // Linux bridge name, e.g. "br0"

  // vmnet_bridged
  std::string ifname;  // macOS interface, e.g. "en0"

  // vmnet_host, vmnet_shared: all three or none
  std::string start_address;
  std::string end_address;
  std::string subnet_mask;
};

enum class display_kind {
  headless,  // no graphics device
  vnc,       // VNC on the Unix socket `vnc_socket`
  gui,       // a local window: gtk on Linux, cocoa on macOS
};

// One -smbios entry, e.g. {1, {{"serial", "ds=nocloud-net;s=http://10.0.2.100/"}}}.
struct smbios_entry {
  unsigned type = 1;
  std::vector<std::pair<std::string, std::string>> fields;
};

// One -fw_cfg blob the guest reads as `name`: a host file, e.g. Ignition's
// {"opt/com.coreos/config", "/var/lib/kaso/vm/config.ign"}, or, with no path, `text` itself
// (string=; at most 4 KiB, no NUL).
struct fw_cfg_file {
  std::string name;
  std::string path;
  std::string text;
};

// A host directory the guest mounts by `tag` (virtio 9p, -virtfs). security_model=none: files keep
// qemu's user as owner on the host; `readonly`: qemu refuses every write.
struct shared_dir {
  std::string path;
  std::string tag;  // at most 31 characters
  bool readonly = false;
};

struct machine_spec {
  host_os os = host_os::linux;
  qemu::arch arch = qemu::arch::x86_64;
  accelerator accel = accelerator::tcg;
  std::string qemu_binary;  // absolute path, or a bare name looked up in PATH
  std::string name;
  unsigned vcpu = 1;
  unsigned ram_mb = 512;
  std::vector<disk> disks;
  std::vector<nic> nics;
  display_kind display = display_kind::headless;
  std::string vnc_socket;     // required when display is vnc
  std::string qmp_socket;     // empty: no QMP
  std::string serial_socket;  // empty: no serial port
  std::string serial_log;     // the serial port's output appended here too; empty: not logged
  std::string firmware_code;  // edk2 code (pflash, read-only); required on aarch64
  std::string firmware_vars;  // edk2 variable store (pflash, writable); optional
  std::vector<smbios_entry> smbios;
  std::vector<fw_cfg_file> fw_cfg_files;
  std::vector<shared_dir> shared_dirs;
  std::string pid_file;  // empty: no pid file
};

constexpr std::string_view to_string(arch a) {
  switch (a) {
    case arch::x86_64: return "x86_64";
    case arch::aarch64: return "aarch64";
  }
  return "unknown";
}

constexpr std::string_view to_string(accelerator a) {
  switch (a) {
    case accelerator::kvm: return "kvm";
    case accelerator::hvf: return "hvf";
    case accelerator::tcg: return "tcg";
  }
  return "unknown";
}

constexpr std::string_view to_string(host_os os) {
  switch (os) {
    case host_os::linux: return "linux";
    case host_os::macos: return "macos";
  }
  return "unknown";
}

constexpr std::string_view to_string(disk_format f) {
  switch (f) {
    case disk_format::qcow2: return "qcow2";
    case disk_format::raw: return "raw";
  }
  return "unknown";
}

}  // namespace kaso::qemu
