#include "vm/machine.hpp"

#include "domain/ipv4.hpp"
#include "vm/network_nic.hpp"

namespace kaso::vm {
namespace {

bool on_user_network(const domain::network& n, const vm_platform& p) {
  return p.os == qemu::host_os::linux && n.kind != domain::network_kind::bridged;
}

bool talks_to_kaso(const domain::instance& i) { return domain::traits(i.bootstrapper).cloud_init; }

qemu::display_kind display_of(const std::string& d) {
  if (d == "vnc") return qemu::display_kind::vnc;
  if (d == "gui") return qemu::display_kind::gui;
  return qemu::display_kind::headless;
}

}  // namespace

std::string guest_service_url(const domain::network& n, const vm_platform& p) {
  if (!on_user_network(n, p)) return "";
  auto addr = domain::guest_service_address(n);
  if (!addr.ok()) return "";
  return "http://" + *addr + (guest_service_port == 80 ? "" : ":" + std::to_string(guest_service_port));
}

result<qemu::machine_spec> machine_spec_for(const domain::instance& i, const domain::network& n,
                                            const vm_platform& p) {
  auto f = domain::files_of(i.path);
  qemu::machine_spec s;
  s.os = p.os;
  s.arch = p.arch;
  s.accel = p.accel;
  s.qemu_binary = p.qemu_binary;
  s.name = i.name;
  s.vcpu = i.vcpu;
  s.ram_mb = static_cast<unsigned>(i.ram_mb);
  s.disks.push_back({f.os_disk, qemu::disk_format::qcow2, false});
  const auto seed = domain::traits(i.bootstrapper).seed;
  if (seed == domain::seed_kind::disk) s.disks.push_back({f.seed_iso, qemu::disk_format::raw, true});
  nic_request req;
  req.mac = i.mac;
  req.ssh_host_port = i.ssh_port;
  req.static_ip4 = i.static_ip4;
  req.forwards = i.forwards;
  std::string service = guest_service_url(n, p);
  if (talks_to_kaso(i) && !service.empty()) req.guest_service_socket = f.guest_socket;
  auto nic = nic_for(p.os, n, req);
  if (!nic.ok()) return nic.error();
  s.nics.push_back(std::move(*nic));
  s.display = display_of(i.display);
  if (s.display == qemu::display_kind::vnc) s.vnc_socket = f.vnc_socket;
  s.qmp_socket = f.qmp_socket;
  s.serial_socket = f.console_socket;
  s.serial_log = f.console_log;
  s.firmware_code = p.firmware_code;
  s.firmware_vars = p.firmware_vars;
  // The instance is told apart in the guest by its serial; `ci` finds its seed from it.
  if (seed == domain::seed_kind::served) {
    if (service.empty()) {
      return error::invalid_argument("the " + std::string(domain::to_string(i.bootstrapper)) +
                                     " bootstrapper needs a host-only or shared network");
    }
    s.smbios.push_back({1, {{"serial", "ds=nocloud-net;s=" + service + "/"}}});
  }
  if (seed == domain::seed_kind::fw_cfg) s.fw_cfg_files.push_back({"opt/com.coreos/config", f.ignition});
  for (std::size_t k = 0; k < i.mounts.size(); ++k) {
    s.shared_dirs.push_back({i.mounts[k].host_path, domain::mount_tag(k), i.mounts[k].readonly});
  }
  // What the guest mounts at this boot, and where (bootstrap::mount_script reads it).
  if (!i.mounts.empty()) s.fw_cfg_files.push_back({"opt/kaso/mounts", "", domain::mount_table(i.mounts)});
  return s;
}

result<bootstrap::guest_config> guest_config_for(const domain::instance& i, const domain::network& n,
                                                 const std::vector<domain::identity>& identities,
                                                 const std::string& service_url) {
  bootstrap::guest_config c;
  c.instance_id = "kaso-" + std::to_string(i.id);
  c.hostname = i.name;
  for (const auto& id : identities) {
    bootstrap::guest_user u;
    u.name = id.name;
    u.gecos = id.gecos;
    // cloud-init's own default user has bash; useradd's default would be /bin/sh (issue #16).
    u.shell = id.shell.empty() ? std::string(default_login_shell) : id.shell;
    u.homedir = id.homedir;
    if (!id.public_key.empty()) u.ssh_authorized_keys.push_back(id.public_key);
    u.password_hash = id.password_hash;
    c.users.push_back(std::move(u));
  }
  if (!i.static_ip4.empty()) {
    bootstrap::static_ipv4 ip;
    ip.mac = i.mac;
    ip.address = i.static_ip4;
    if (!n.cidr.empty()) {
      auto cidr = domain::parse_cidr(n.cidr);
      if (!cidr.ok()) return cidr.error();
      ip.prefix = cidr->prefix;
    }
    ip.gateway = n.gateway;
    ip.nameserver = n.nameserver;
    c.static_ip = ip;
  }
  if (!service_url.empty()) {
    c.phone_home_url = service_url + "/phone-home";
    c.ip_report_url = service_url + "/ip";
  }
  // Only the datasource the instance is given: the guest never probes a metadata address.
  c.datasource_list = {"NoCloud", "None"};
  return c;
}

}  // namespace kaso::vm
