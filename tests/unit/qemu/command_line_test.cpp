// build_argv: golden command lines for each supported platform combination, escaping, and the
// refusal of values qemu would misread. Pure: no processes, no files.
#include "qemu/command_line.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace kaso::qemu {
namespace {

using argv_t = std::vector<std::string>;

// What every golden machine states before its devices; the rest of machine_spec keeps its
// defaults until a test sets it.
struct machine_basics {
  host_os os = host_os::linux;
  qemu::arch arch = qemu::arch::x86_64;
  accelerator accel = accelerator::tcg;
  std::string qemu_binary;
  std::string name;
  unsigned vcpu = 1;
  unsigned ram_mb = 512;
};

machine_spec spec_of(const machine_basics& b) {
  machine_spec s;
  s.os = b.os;
  s.arch = b.arch;
  s.accel = b.accel;
  s.qemu_binary = b.qemu_binary;
  s.name = b.name;
  s.vcpu = b.vcpu;
  s.ram_mb = b.ram_mb;
  return s;
}

disk qcow2_disk(std::string path) { return {std::move(path), disk_format::qcow2, false}; }

nic nic_of(nic_kind kind, std::string mac = {}) {
  nic n;
  n.kind = kind;
  n.mac = std::move(mac);
  return n;
}

nic restricted_nic() {
  nic n = nic_of(nic_kind::user_restricted, "52:54:00:12:34:56");
  n.cidr = "10.0.2.0/24";
  n.dhcp_start = "10.0.2.15";
  n.dns = "10.0.2.3";
  n.host_addr = "10.0.2.2";
  n.port_forwards = {{"tcp", "127.0.0.1", 2222, 22}};
  n.guest_forwards = {{"10.0.2.100", 80, {"nc", "127.0.0.1", "41234"}}};
  return n;
}

// The spec most tests start from; its full argv is the first golden test.
machine_spec linux_kvm_headless() {
  machine_spec s = spec_of({.os = host_os::linux, .arch = arch::x86_64, .accel = accelerator::kvm,
                            .qemu_binary = "/usr/bin/qemu-system-x86_64", .name = "web1",
                            .vcpu = 2, .ram_mb = 2048});
  s.disks = {qcow2_disk("/var/lib/kaso/vm/web1/os.qcow2"),
             {"/var/lib/kaso/vm/web1/seed.iso", disk_format::raw, true}};
  s.nics = {restricted_nic()};
  s.display = display_kind::headless;
  s.qmp_socket = "/run/kaso/web1/qmp.sock";
  s.serial_socket = "/run/kaso/web1/serial.sock";
  s.smbios = {{1, {{"serial", "ds=nocloud-net;s=http://10.0.2.100/"}}}};
  s.pid_file = "/run/kaso/web1/qemu.pid";
  return s;
}

// An aarch64 guest under hvf, with the Homebrew edk2 firmware it needs to boot.
machine_spec macos_hvf_aarch64(std::string qemu_binary, std::string name) {
  machine_spec s = spec_of({.os = host_os::macos, .arch = arch::aarch64, .accel = accelerator::hvf,
                            .qemu_binary = std::move(qemu_binary), .name = std::move(name)});
  s.firmware_code = "/opt/homebrew/share/qemu/edk2-aarch64-code.fd";
  return s;
}

argv_t argv_of(const machine_spec& spec) {
  result<argv_t> argv = build_argv(spec);
  EXPECT_TRUE(argv.ok()) << argv.error().to_string();
  return argv.ok() ? argv.value() : argv_t{};
}

std::string refusal_of(const machine_spec& spec) {
  result<argv_t> argv = build_argv(spec);
  if (argv.ok()) {
    return "accepted";
  }
  EXPECT_EQ(argv.error().code(), errc::invalid_argument) << argv.error().to_string();
  return argv.error().message();
}

// The value following the first occurrence of `option`.
std::string value_of(const argv_t& argv, const std::string& option) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == option) {
      return argv[i + 1];
    }
  }
  return "<missing " + option + ">";
}

// The values of every `option`, in order.
argv_t values_of(const argv_t& argv, const std::string& option) {
  argv_t values;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == option) {
      values.push_back(argv[i + 1]);
    }
  }
  return values;
}

argv_t join(argv_t head, const argv_t& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

// How linux_kvm_headless() and its variants open, through the QMP socket.
const argv_t web1_opening = {
    "/usr/bin/qemu-system-x86_64",
    "-name", "guest=web1",
    "-machine", "q35",
    "-accel", "kvm",
    "-cpu", "host",
    "-smp", "2",
    "-m", "2048",
    "-nodefaults",
    "-display", "none",
    "-qmp", "unix:path=/run/kaso/web1/qmp.sock,server=on,wait=off",
};

TEST(build_argv, linux_x86_64_kvm_user_restricted_headless) {
  argv_t expected = join(web1_opening, {
      "-chardev", "socket,id=serial0,path=/run/kaso/web1/serial.sock,server=on,wait=off",
      "-serial", "chardev:serial0",
      "-drive", "if=virtio,file=/var/lib/kaso/vm/web1/os.qcow2,format=qcow2",
      "-drive", "if=virtio,file=/var/lib/kaso/vm/web1/seed.iso,format=raw,readonly=on",
      "-device", "virtio-rng-pci",
      "-nic", "user,model=virtio-net-pci,restrict=on,mac=52:54:00:12:34:56,net=10.0.2.0/24,"
              "dhcpstart=10.0.2.15,dns=10.0.2.3,host=10.0.2.2,hostfwd=tcp:127.0.0.1:2222-:22,"
              "guestfwd=tcp:10.0.2.100:80-cmd:nc 127.0.0.1 41234",
      "-smbios", "type=1,serial=ds=nocloud-net;s=http://10.0.2.100/",
      "-pidfile", "/run/kaso/web1/qemu.pid",
  });
  EXPECT_EQ(argv_of(linux_kvm_headless()), expected);
}

TEST(build_argv, linux_x86_64_tcg_vnc_user_nat_with_ignition) {
  machine_spec s = spec_of({.os = host_os::linux, .arch = arch::x86_64, .accel = accelerator::tcg,
                            .qemu_binary = "qemu-system-x86_64", .name = "fcos",
                            .vcpu = 1, .ram_mb = 1024});
  s.disks = {qcow2_disk("/var/lib/kaso/vm/fcos/os.qcow2")};
  nic n = nic_of(nic_kind::user_nat, "52:54:00:00:00:01");
  n.port_forwards = {{"tcp", "127.0.0.1", 2201, 22}, {"udp", "0.0.0.0", 8080, 80, "10.0.2.20"}};
  s.nics = {n};
  s.display = display_kind::vnc;
  s.vnc_socket = "/run/kaso/fcos/vnc.sock";
  s.qmp_socket = "/run/kaso/fcos/qmp.sock";
  s.fw_cfg_files = {{"opt/com.coreos/config", "/var/lib/kaso/vm/fcos/config.ign"}};
  argv_t expected = {
      "qemu-system-x86_64",
      "-name", "guest=fcos",
      "-machine", "q35",
      "-accel", "tcg",
      "-smp", "1",
      "-m", "1024",
      "-nodefaults",
      "-display", "none",
      "-vnc", "vnc=unix:/run/kaso/fcos/vnc.sock",
      "-device", "virtio-vga",
      "-device", "qemu-xhci",
      "-device", "usb-kbd",
      "-device", "usb-tablet",
      "-qmp", "unix:path=/run/kaso/fcos/qmp.sock,server=on,wait=off",
      "-drive", "if=virtio,file=/var/lib/kaso/vm/fcos/os.qcow2,format=qcow2",
      "-device", "virtio-rng-pci",
      "-nic", "user,model=virtio-net-pci,"  // shared NAT, no restrict=on: data, never booted
              "mac=52:54:00:00:00:01,hostfwd=tcp:127.0.0.1:2201-:22,hostfwd=udp:0.0.0.0:8080-10.0.2.20:80",
      "-fw_cfg", "name=opt/com.coreos/config,file=/var/lib/kaso/vm/fcos/config.ign",
  };
  EXPECT_EQ(argv_of(s), expected);
}

TEST(build_argv, linux_aarch64_tcg_with_pflash_firmware) {
  machine_spec s = spec_of({.os = host_os::linux, .arch = arch::aarch64, .accel = accelerator::tcg,
                            .qemu_binary = "/usr/bin/qemu-system-aarch64", .name = "arm1",
                            .vcpu = 2, .ram_mb = 1024});
  s.firmware_code = "/usr/share/AAVMF/AAVMF_CODE.fd";
  s.firmware_vars = "/var/lib/kaso/vm/arm1/AAVMF_VARS.fd";
  s.disks = {qcow2_disk("/var/lib/kaso/vm/arm1/os.qcow2")};
  s.qmp_socket = "/run/kaso/arm1/qmp.sock";
  argv_t expected = {
      "/usr/bin/qemu-system-aarch64",
      "-name", "guest=arm1",
      "-machine", "virt",
      "-accel", "tcg",
      "-cpu", "max",
      "-smp", "2",
      "-m", "1024",
      "-nodefaults",
      "-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd",
      "-drive", "if=pflash,format=raw,file=/var/lib/kaso/vm/arm1/AAVMF_VARS.fd",
      "-display", "none",
      "-qmp", "unix:path=/run/kaso/arm1/qmp.sock,server=on,wait=off",
      "-drive", "if=virtio,file=/var/lib/kaso/vm/arm1/os.qcow2,format=qcow2",
      "-device", "virtio-rng-pci",
  };
  EXPECT_EQ(argv_of(s), expected);
}

TEST(build_argv, linux_bridge) {
  machine_spec s = linux_kvm_headless();
  nic n = nic_of(nic_kind::bridge, "52:54:00:ab:cd:ef");
  n.bridge = "br0";
  s.nics = {n};
  s.serial_socket.clear();
  s.smbios.clear();
  s.pid_file.clear();
  s.disks.resize(1);
  argv_t expected = join(web1_opening, {
      "-drive", "if=virtio,file=/var/lib/kaso/vm/web1/os.qcow2,format=qcow2",
      "-device", "virtio-rng-pci",
      "-nic", "bridge,model=virtio-net-pci,mac=52:54:00:ab:cd:ef,br=br0",
  });
  EXPECT_EQ(argv_of(s), expected);
}

TEST(build_argv, macos_aarch64_hvf_vmnet_shared_edk2_cocoa) {
  machine_spec s = macos_hvf_aarch64("/opt/homebrew/bin/qemu-system-aarch64", "test");
  s.vcpu = 2;
  s.ram_mb = 2048;
  s.firmware_vars = "/Users/mrmat/var/kaso/instances/test/efi-vars.fd";
  s.disks = {qcow2_disk("/Users/mrmat/var/kaso/instances/test/os.qcow2"),
             {"/Users/mrmat/var/kaso/instances/test/ci.img", disk_format::raw, false}};
  nic n = nic_of(nic_kind::vmnet_shared, "00:50:56:00:00:01");
  n.start_address = "172.16.5.10";
  n.end_address = "172.16.5.254";
  n.subnet_mask = "255.255.255.0";
  s.nics = {n};
  s.display = display_kind::gui;
  s.qmp_socket = "/Users/mrmat/var/kaso/instances/test/qmp.sock";
  s.smbios = {{3, {{"manufacturer", "MrMat"}, {"serial", "instance_1"}, {"asset", "test"}}}};
  argv_t expected = {
      "/opt/homebrew/bin/qemu-system-aarch64",
      "-name", "guest=test",
      "-machine", "virt",
      "-accel", "hvf",
      "-cpu", "host",
      "-smp", "2",
      "-m", "2048",
      "-nodefaults",
      "-drive",
      "if=pflash,format=raw,readonly=on,file=/opt/homebrew/share/qemu/edk2-aarch64-code.fd",
      "-drive", "if=pflash,format=raw,file=/Users/mrmat/var/kaso/instances/test/efi-vars.fd",
      "-display", "cocoa",
      "-device", "virtio-gpu-pci",
      "-device", "qemu-xhci",
      "-device", "usb-kbd",
      "-device", "usb-tablet",
      "-qmp", "unix:path=/Users/mrmat/var/kaso/instances/test/qmp.sock,server=on,wait=off",
      "-drive", "if=virtio,file=/Users/mrmat/var/kaso/instances/test/os.qcow2,format=qcow2",
      "-drive", "if=virtio,file=/Users/mrmat/var/kaso/instances/test/ci.img,format=raw",
      "-device", "virtio-rng-pci",
      "-nic", "vmnet-shared,model=virtio-net-pci,mac=00:50:56:00:00:01,start-address=172.16.5.10,"
              "end-address=172.16.5.254,subnet-mask=255.255.255.0",
      "-smbios", "type=3,manufacturer=MrMat,serial=instance_1,asset=test",
  };
  EXPECT_EQ(argv_of(s), expected);
}

TEST(build_argv, macos_vmnet_host_and_bridged) {
  machine_spec s = macos_hvf_aarch64("qemu-system-aarch64", "n");
  nic bridged = nic_of(nic_kind::vmnet_bridged, "52:54:00:00:00:02");
  bridged.ifname = "en0";
  s.nics = {nic_of(nic_kind::vmnet_host), bridged};
  EXPECT_EQ(values_of(argv_of(s), "-nic"),
            (argv_t{"vmnet-host,model=virtio-net-pci",
                    "vmnet-bridged,model=virtio-net-pci,mac=52:54:00:00:00:02,ifname=en0"}));
}

TEST(build_argv, linux_gui_is_gtk_and_x86_64_firmware_is_optional) {
  machine_spec s = linux_kvm_headless();
  s.display = display_kind::gui;
  s.firmware_code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
  argv_t argv = argv_of(s);
  EXPECT_EQ(value_of(argv, "-display"), "gtk");
  EXPECT_EQ(value_of(argv, "-drive"),
            "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd");
}

// Issue #17: host directories shared with the guest, one -virtfs each; read-only is qemu's.
TEST(build_argv, issue_17_shared_dirs_are_9p_virtfs_with_qemus_read_only) {
  machine_spec s = linux_kvm_headless();
  s.shared_dirs = {{"/home/me/src", "kaso0", false}, {"/srv/a,b", "kaso1", true}};
  argv_t argv = argv_of(s);
  std::vector<std::string> virtfs;
  for (std::size_t k = 0; k + 1 < argv.size(); ++k) {
    if (argv[k] == "-virtfs") virtfs.push_back(argv[k + 1]);
  }
  EXPECT_EQ(virtfs, (std::vector<std::string>{"local,path=/home/me/src,mount_tag=kaso0,security_model=none",
                                              "local,path=/srv/a,,b,mount_tag=kaso1,security_model=none,readonly=on"}));
}

TEST(escape_option_value, doubles_every_comma) {
  EXPECT_EQ(escape_option_value(""), "");
  EXPECT_EQ(escape_option_value("plain"), "plain");
  EXPECT_EQ(escape_option_value("a,b"), "a,,b");
  EXPECT_EQ(escape_option_value(",a,,b,"), ",,a,,,,b,,");
}

TEST(build_argv, commas_in_values_are_doubled) {
  machine_spec s = linux_kvm_headless();
  s.name = "web,1";
  s.disks = {{"/var/lib/kaso/a,b/os.qcow2", disk_format::qcow2, false}};
  s.qmp_socket = "/run/kaso/x,y/qmp.sock";
  s.serial_socket = "/run/kaso/x,y/serial.sock";
  s.smbios = {{1, {{"serial", "ds=nocloud-net;s=http://h/,x"}}}};
  s.fw_cfg_files = {{"opt/a,b", "/etc/kaso/a,b.ign"}};
  s.firmware_code = "/fw/c,ode.fd";
  s.pid_file = "/run/kaso/x,y/qemu.pid";
  argv_t argv = argv_of(s);
  EXPECT_EQ(value_of(argv, "-name"), "guest=web,,1");
  EXPECT_EQ(argv[std::find(argv.begin(), argv.end(), "-drive") - argv.begin() + 1],
            "if=pflash,format=raw,readonly=on,file=/fw/c,,ode.fd");
  EXPECT_NE(std::find(argv.begin(), argv.end(),
                      "if=virtio,file=/var/lib/kaso/a,,b/os.qcow2,format=qcow2"),
            argv.end());
  EXPECT_EQ(value_of(argv, "-qmp"), "unix:path=/run/kaso/x,,y/qmp.sock,server=on,wait=off");
  EXPECT_EQ(value_of(argv, "-chardev"),
            "socket,id=serial0,path=/run/kaso/x,,y/serial.sock,server=on,wait=off");
  EXPECT_EQ(value_of(argv, "-smbios"), "type=1,serial=ds=nocloud-net;s=http://h/,,x");
  EXPECT_EQ(value_of(argv, "-fw_cfg"), "name=opt/a,,b,file=/etc/kaso/a,,b.ign");
  EXPECT_EQ(value_of(argv, "-pidfile"), "/run/kaso/x,y/qemu.pid");  // taken whole by qemu
}

// Issue #17: an fw_cfg blob given as text (the list of shares the guest mounts) is string=, its
// commas doubled; newlines stay as they are.
TEST(build_argv, issue_17_fw_cfg_text_is_a_string_blob) {
  machine_spec s = linux_kvm_headless();
  s.fw_cfg_files = {{"opt/kaso/mounts", "", "kaso0 rw /a,b\nkaso1 ro /c\n"}};
  EXPECT_EQ(value_of(argv_of(s), "-fw_cfg"), "name=opt/kaso/mounts,string=kaso0 rw /a,,b\nkaso1 ro /c\n");
  s.fw_cfg_files = {{"opt/kaso/mounts", "", std::string(4097, 'x')}};
  EXPECT_FALSE(build_argv(s).ok()) << "at most 4 KiB";
  s.fw_cfg_files = {{"opt/kaso/mounts", "", std::string("a\0b", 3)}};
  EXPECT_FALSE(build_argv(s).ok()) << "no NUL";
  s.fw_cfg_files = {{"opt/kaso/mounts", "", ""}};
  EXPECT_FALSE(build_argv(s).ok()) << "neither a file nor text";
}

TEST(build_argv, equals_signs_in_paths_stay_values) {
  machine_spec s = linux_kvm_headless();
  s.display = display_kind::vnc;
  s.vnc_socket = "/run/a=b/vnc.sock";
  s.qmp_socket = "/run/a=b/qmp.sock";
  s.name = "x=y";
  argv_t argv = argv_of(s);
  EXPECT_EQ(value_of(argv, "-vnc"), "vnc=unix:/run/a=b/vnc.sock");
  EXPECT_EQ(value_of(argv, "-qmp"), "unix:path=/run/a=b/qmp.sock,server=on,wait=off");
  EXPECT_EQ(value_of(argv, "-name"), "guest=x=y");
}

struct refusal_case {
  const char* name;
  std::function<void(machine_spec&)> mutate;
};

class build_argv_refuses : public ::testing::TestWithParam<refusal_case> {};

TEST_P(build_argv_refuses, with_invalid_argument) {
  machine_spec s = linux_kvm_headless();
  ASSERT_TRUE(build_argv(s).ok());
  GetParam().mutate(s);
  std::string message = refusal_of(s);
  EXPECT_NE(message, "accepted");
  RecordProperty("refusal", message);
}

nic& first_nic(machine_spec& s) { return s.nics.at(0); }

// Moves the spec to macOS (hvf) and makes its first nic a `kind`: a nic-only refusal there.
nic& first_nic_on_macos(machine_spec& s, nic_kind kind) {
  s.os = host_os::macos;
  s.accel = accelerator::hvf;
  first_nic(s).kind = kind;
  return first_nic(s);
}

void PrintTo(const refusal_case& c, std::ostream* os) { *os << c.name; }

const refusal_case refusal_cases[] = {
    {"nul_in_disk_path", [](machine_spec& s) { s.disks[0].path = std::string("/a\0b", 4); }},
    {"newline_in_name", [](machine_spec& s) { s.name = "web\n-monitor stdio"; }},
    {"empty_name", [](machine_spec& s) { s.name.clear(); }},
    {"tab_in_qmp_socket", [](machine_spec& s) { s.qmp_socket = "/run/a\tb"; }},
    {"newline_in_smbios_value", [](machine_spec& s) { s.smbios[0].fields[0].second = "a\nb"; }},
    {"relative_disk_path", [](machine_spec& s) { s.disks[0].path = "os.qcow2"; }},
    {"protocol_disk_path", [](machine_spec& s) { s.disks[0].path = "nbd:evil:10809"; }},
    {"json_disk_path", [](machine_spec& s) { s.disks[0].path = "json:{\"driver\":\"file\"}"; }},
    {"relative_pid_file", [](machine_spec& s) { s.pid_file = "qemu.pid"; }},
    {"relative_firmware", [](machine_spec& s) { s.firmware_code = "OVMF.fd"; }},
    {"vars_without_code", [](machine_spec& s) { s.firmware_vars = "/fw/vars.fd"; }},
    {"relative_fw_cfg_path", [](machine_spec& s) { s.fw_cfg_files = {{"opt/x", "x.ign"}}; }},
    {"fw_cfg_name_outside_opt", [](machine_spec& s) { s.fw_cfg_files = {{"etc/x", "/x.ign"}}; }},
    {"relative_shared_dir", [](machine_spec& s) { s.shared_dirs = {{"src", "kaso0", false}}; }},
    {"long_shared_dir_tag", [](machine_spec& s) { s.shared_dirs = {{"/src", std::string(32, 't'), false}}; }},
    {"qemu_binary_relative_path", [](machine_spec& s) { s.qemu_binary = "bin/qemu"; }},
    {"qemu_binary_empty", [](machine_spec& s) { s.qemu_binary.clear(); }},
    {"socket_path_too_long", [](machine_spec& s) { s.qmp_socket = "/" + std::string(107, 'q'); }},
    {"vnc_without_socket", [](machine_spec& s) { s.display = display_kind::vnc; }},
    {"mac_five_pairs", [](machine_spec& s) { first_nic(s).mac = "52:54:00:12:34"; }},
    {"mac_dashes", [](machine_spec& s) { first_nic(s).mac = "52-54-00-12-34-56"; }},
    {"mac_not_hex", [](machine_spec& s) { first_nic(s).mac = "52:54:00:12:34:zz"; }},
    {"mac_with_option", [](machine_spec& s) { first_nic(s).mac = "52:54:00:12:34:56,x=y"; }},
    {"mac_multicast", [](machine_spec& s) { first_nic(s).mac = "01:00:5e:00:00:01"; }},
    {"guestfwd_word_with_space",
     [](machine_spec& s) { first_nic(s).guest_forwards[0].command = {"nc 127.0.0.1 1"}; }},
    {"guestfwd_word_with_comma",
     [](machine_spec& s) { first_nic(s).guest_forwards[0].command = {"nc", "a,b"}; }},
    {"guestfwd_word_with_quote",
     [](machine_spec& s) { first_nic(s).guest_forwards[0].command = {"sh", "-c", "'id'"}; }},
    {"guestfwd_word_with_semicolon",
     [](machine_spec& s) { first_nic(s).guest_forwards[0].command = {"nc;id"}; }},
    {"guestfwd_empty_word",
     [](machine_spec& s) { first_nic(s).guest_forwards[0].command = {"nc", ""}; }},
    {"guestfwd_empty_command",
     [](machine_spec& s) { first_nic(s).guest_forwards[0].command.clear(); }},
    {"guestfwd_port_zero", [](machine_spec& s) { first_nic(s).guest_forwards[0].guest_port = 0; }},
    {"hostfwd_port_zero", [](machine_spec& s) { first_nic(s).port_forwards[0].host_port = 0; }},
    {"hostfwd_empty_host_addr",
     [](machine_spec& s) { first_nic(s).port_forwards[0].host_addr.clear(); }},
    {"hostfwd_guest_addr_with_option",
     [](machine_spec& s) { first_nic(s).port_forwards[0].guest_addr = "10.0.2.15:22,restrict=off"; }},
    {"hostfwd_host_name",
     [](machine_spec& s) { first_nic(s).port_forwards[0].host_addr = "localhost"; }},
    {"ipv4_leading_zero", [](machine_spec& s) { first_nic(s).dhcp_start = "10.0.2.015"; }},
    {"ipv4_three_parts", [](machine_spec& s) { first_nic(s).dns = "10.0.2"; }},
    {"ipv4_out_of_range", [](machine_spec& s) { first_nic(s).host_addr = "10.0.2.256"; }},
    {"ipv4_with_option", [](machine_spec& s) { first_nic(s).dns = "10.0.2.3,restrict=off"; }},
    {"cidr_without_prefix", [](machine_spec& s) { first_nic(s).cidr = "10.0.2.0"; }},
    {"cidr_prefix_too_big", [](machine_spec& s) { first_nic(s).cidr = "10.0.2.0/33"; }},
    {"bridge_name_too_long",
     [](machine_spec& s) {
       first_nic(s).kind = nic_kind::bridge;
       first_nic(s).bridge = "a-very-long-bridge-name";
     }},
    {"bridge_name_with_comma",
     [](machine_spec& s) {
       first_nic(s).kind = nic_kind::bridge;
       first_nic(s).bridge = "br0,helper=/tmp/x";
     }},
    {"bridge_name_empty", [](machine_spec& s) { first_nic(s).kind = nic_kind::bridge; }},
    {"vmnet_on_linux", [](machine_spec& s) { first_nic(s).kind = nic_kind::vmnet_shared; }},
    {"hvf_on_linux", [](machine_spec& s) { s.accel = accelerator::hvf; }},
    {"kvm_on_macos",
     [](machine_spec& s) {
       s.os = host_os::macos;
       s.nics.clear();
     }},
    {"bridge_on_macos",
     [](machine_spec& s) { first_nic_on_macos(s, nic_kind::bridge).bridge = "br0"; }},
    {"vmnet_partial_range",
     [](machine_spec& s) {
       first_nic_on_macos(s, nic_kind::vmnet_host).start_address = "172.16.5.10";
     }},
    {"vmnet_bridged_without_ifname",
     [](machine_spec& s) { first_nic_on_macos(s, nic_kind::vmnet_bridged); }},
    {"aarch64_without_firmware", [](machine_spec& s) { s.arch = arch::aarch64; }},
    {"zero_vcpu", [](machine_spec& s) { s.vcpu = 0; }},
    {"zero_ram", [](machine_spec& s) { s.ram_mb = 0; }},
    {"smbios_unknown_type", [](machine_spec& s) { s.smbios[0].type = 42; }},
    {"smbios_key_with_comma",
     [](machine_spec& s) { s.smbios[0].fields = {{"serial,file", "/etc/shadow"}}; }},
    {"smbios_key_empty", [](machine_spec& s) { s.smbios[0].fields = {{"", "x"}}; }},
};

INSTANTIATE_TEST_SUITE_P(hostile_values, build_argv_refuses, ::testing::ValuesIn(refusal_cases),
                         [](const ::testing::TestParamInfo<refusal_case>& info) {
                           return std::string{info.param.name};
                         });

TEST(build_argv, refusal_message_names_the_field_and_hides_control_characters) {
  machine_spec s = linux_kvm_headless();
  s.disks[1].path = std::string("/a\nb\0c", 6);
  std::string message = refusal_of(s);
  EXPECT_NE(message.find("disk 1 path"), std::string::npos) << message;
  EXPECT_NE(message.find("\\x0a"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_EQ(message.find('\0'), std::string::npos);
}

TEST(build_argv, socket_path_limit_depends_on_the_os) {
  machine_spec s = linux_kvm_headless();
  s.qmp_socket = "/" + std::string(106, 'q');  // 107 characters: fits Linux, not macOS
  EXPECT_TRUE(build_argv(s).ok());
  s.os = host_os::macos;
  s.accel = accelerator::hvf;
  s.nics.clear();
  EXPECT_NE(refusal_of(s), "accepted");
}

}  // namespace
}  // namespace kaso::qemu
