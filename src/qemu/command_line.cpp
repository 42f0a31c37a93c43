// build_argv: see command_line.hpp for the contract. Each add_* step appends one group of options
// and refuses the values it cannot place safely; build_argv runs the steps in a fixed order. The
// value checks live in value_checks.hpp, the -nic and -display steps in nic_options.hpp and
// display_options.hpp; the steps for identity, machine, firmware, control sockets, disks, smbios,
// fw_cfg and the pid file are here.
#include "qemu/command_line.hpp"

#include "qemu/display_options.hpp"
#include "qemu/nic_options.hpp"
#include "qemu/value_checks.hpp"

namespace kaso::qemu {
namespace {

using args = std::vector<std::string>;

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
    std::string log;
    if (!spec.serial_log.empty()) log = ",logfile=" + escape_option_value(spec.serial_log) + ",logappend=on";
    out.insert(out.end(), {"-chardev",
                           "socket,id=serial0,path=" + escape_option_value(spec.serial_socket) +
                               ",server=on,wait=off" + log,
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
      if (auto s = check_smbios_key(what + " key", key); !s) {
        return s;
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
    if (f.path.empty()) {
      if (f.text.empty() || f.text.size() > 4096 || f.text.find('\0') != std::string::npos) {
        return refuse(what + " text", f.text.substr(0, 40), "must be 1 to 4096 bytes without NUL");
      }
      out.insert(out.end(), {"-fw_cfg", "name=" + escape_option_value(f.name) + ",string=" + escape_option_value(f.text)});
      continue;
    }
    if (auto s = check_path(what + " path", f.path); !s) {
      return s;
    }
    out.insert(out.end(), {"-fw_cfg", "name=" + escape_option_value(f.name) +
                                          ",file=" + escape_option_value(f.path)});
  }
  return ok_status();
}

// -virtfs local,path=P,mount_tag=T,security_model=none[,readonly=on], one per shared directory.
status add_shared_dirs(const machine_spec& spec, args& out) {
  for (std::size_t i = 0; i < spec.shared_dirs.size(); ++i) {
    const shared_dir& d = spec.shared_dirs[i];
    std::string what = "shared_dir " + std::to_string(i);
    if (auto s = check_path(what + " path", d.path); !s) {
      return s;
    }
    if (auto s = check_nonempty_text(what + " tag", d.tag); !s) {
      return s;
    }
    if (d.tag.size() > 31) {
      return refuse(what + " tag", d.tag, "must be at most 31 characters");
    }
    out.insert(out.end(), {"-virtfs", "local,path=" + escape_option_value(d.path) + ",mount_tag=" +
                                          escape_option_value(d.tag) + ",security_model=none" +
                                          (d.readonly ? ",readonly=on" : "")});
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
                                   add_fw_cfg, add_shared_dirs, add_pid_file};
  args out;
  for (step s : steps) {
    if (status st = s(spec, out); !st) {
      return st.error();
    }
  }
  return out;
}

}  // namespace kaso::qemu