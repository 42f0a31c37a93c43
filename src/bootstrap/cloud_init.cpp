// The cloud-init NoCloud documents: see cloud_init.hpp.
#include "bootstrap/cloud_init.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "bootstrap/json_text.hpp"
#include "crypto/base64.hpp"

namespace kaso::bootstrap {
namespace {

using json = nlohmann::ordered_json;

// Runs late in the boot (cloud-final), when the network is up. Any failure is retried, and
// nothing escapes: the guest's boot must not fail because the server could not be reached.
constexpr std::string_view ip_report_program = R"(import subprocess, sys, time, urllib.request

def report(url):
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"],
                         stdout=subprocess.PIPE, timeout=10).stdout
    if not out.strip():
        raise RuntimeError("no global IPv4 address yet")
    request = urllib.request.Request(url, data=out, method="POST",
                                     headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request, timeout=10).close()

for attempt in range(10):
    try:
        report(sys.argv[1])
        break
    except Exception:
        if attempt < 9:
            time.sleep(3)
sys.exit(0)
)";

json user_entry(const guest_user& user) {
  json entry = {{"name", user.name}};
  if (!user.gecos.empty()) entry["gecos"] = user.gecos;
  if (!user.shell.empty()) entry["shell"] = user.shell;
  if (!user.homedir.empty()) entry["homedir"] = user.homedir;
  if (!user.ssh_authorized_keys.empty()) entry["ssh_authorized_keys"] = user.ssh_authorized_keys;
  entry["lock_passwd"] = user.password_hash.empty();
  if (!user.password_hash.empty()) entry["passwd"] = user.password_hash;
  entry["sudo"] = "ALL=(ALL) NOPASSWD:ALL";
  entry["groups"] = "sudo";
  return entry;
}

constexpr std::string_view mime_boundary = "==kaso-user-data==";
constexpr std::string_view kaso_merge_how = "dict(recurse_array,no_replace)+list(append)";

json phone_home(const std::string& url) {
  return {{"url", url},
          {"post", {"pub_key_rsa", "pub_key_ecdsa", "pub_key_ed25519", "instance_id", "hostname",
                    "fqdn"}},
          {"tries", 10}};
}

// One MIME part: the user's bytes go base64-encoded, so nothing in them can end the part.
std::string mime_part(std::string_view type, std::string_view filename, std::string_view body, bool encode) {
  std::string part = "--" + std::string(mime_boundary) + "\r\nContent-Type: " + std::string(type) +
                     "; charset=\"utf-8\"\r\nMIME-Version: 1.0\r\nContent-Disposition: attachment; filename=\"" +
                     std::string(filename) + "\"\r\n";
  if (encode) {
    std::string b64 = crypto::base64_encode(body);
    part += "Content-Transfer-Encoding: base64\r\n\r\n";
    for (std::size_t at = 0; at < b64.size(); at += 76) part += b64.substr(at, 76) + "\r\n";
    return part;
  }
  return part + "Content-Transfer-Encoding: 7bit\r\n\r\n" + std::string(body) + "\r\n";
}

// The user's part first, kaso's (a one-line JSON document: no line of it can be the boundary)
// second.
std::string multipart(std::string_view user, const std::string& kaso) {
  auto kind = user.rfind("#!", 0) == 0 ? "text/x-shellscript" : "text/cloud-config";
  return "Content-Type: multipart/mixed; boundary=\"" + std::string(mime_boundary) +
         "\"\r\nMIME-Version: 1.0\r\n\r\n" + mime_part(kind, "user", user, true) +
         mime_part("text/cloud-config", "kaso.cfg", kaso, false) + "--" + std::string(mime_boundary) + "--\r\n";
}

// The boot command that mounts the instance's shared directories (domain::mount_table, qemu's
// fw_cfg file opt/kaso/mounts): no list, nothing to do; a share that fails is said in the boot log
// and the boot goes on. No `exit`: the user's own boot commands may share this script.
constexpr std::string_view mount_program = R"((
f=/sys/firmware/qemu_fw_cfg/by_name/opt/kaso/mounts/raw
[ -e "$f" ] || modprobe qemu_fw_cfg 2>/dev/null
if [ -r "$f" ]; then
  while read -r tag mode dir; do
    case "$tag" in kaso[0-9]*) ;; *) continue ;; esac
    case "$mode" in ro|rw) ;; *) continue ;; esac
    mkdir -p "$dir" && mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,$mode" "$tag" "$dir" ||
      echo "kaso: could not mount the shared directory $tag on $dir" >&2
  done < "$f"
fi
true)
)";

}  // namespace

std::string_view mount_script() { return mount_program; }

std::string_view ip_report_script() { return ip_report_program; }

std::string user_data(const guest_config& config) {
  json doc = {{"hostname", config.hostname},
              {"fqdn", config.hostname},
              {"preserve_hostname", false},
              {"manage_etc_hosts", true}};
  if (!config.datasource_list.empty()) doc["datasource_list"] = config.datasource_list;
  json users = json::array();
  for (const guest_user& user : config.users) users.push_back(user_entry(user));
  doc["users"] = std::move(users);
  doc["ssh_pwauth"] = std::any_of(config.users.begin(), config.users.end(),
                                  [](const guest_user& u) { return !u.password_hash.empty(); });
  if (!config.phone_home_url.empty()) doc["phone_home"] = phone_home(config.phone_home_url);
  // Every boot (bootcmd runs on each), whatever was shared when the instance was made: the list
  // comes from qemu, so mounts added or removed later are mounted as they are now.
  doc["bootcmd"] = json::array({std::string(mount_program)});
  if (!config.ip_report_url.empty()) {
    // An argv list, not a shell string: cloud-init quotes each word itself.
    json argv = {"python3", "-c", ip_report_program, config.ip_report_url};
    doc["runcmd"] = json::array({std::move(argv)});
  }
  if (config.user_user_data.empty()) return "#cloud-config\n" + to_safe_json(doc) + "\n";
  // After the user's part, kaso's is merged in keeping the user's keys and appending to the lists
  // both have (users, runcmd): kaso's users and address report survive the user's own.
  doc["merge_how"] = kaso_merge_how;
  return multipart(config.user_user_data, "#cloud-config\n" + to_safe_json(doc) + "\n");
}

std::string meta_data(const guest_config& config) {
  json doc = {{"instance-id", config.instance_id}, {"local-hostname", config.hostname}};
  return to_safe_json(doc) + "\n";
}

std::optional<std::string> network_config(const guest_config& config) {
  if (!config.static_ip) return std::nullopt;
  const static_ipv4& ip = *config.static_ip;
  json eth0 = {{"match", {{"macaddress", ip.mac}}},
               {"set-name", "eth0"},
               {"dhcp4", false},
               {"addresses", {ip.address + "/" + std::to_string(ip.prefix)}}};
  if (!ip.gateway.empty()) eth0["gateway4"] = ip.gateway;
  if (!ip.nameserver.empty()) eth0["nameservers"] = {{"addresses", {ip.nameserver}}};
  json doc = {{"version", 2}, {"ethernets", {{"eth0", std::move(eth0)}}}};
  return to_safe_json(doc) + "\n";
}

std::vector<seed_file> nocloud_files(const guest_config& config) {
  std::vector<seed_file> files = {{"user-data", user_data(config)},
                                  {"meta-data", meta_data(config)}};
  if (auto network = network_config(config)) files.push_back({"network-config", *network});
  return files;
}

}  // namespace kaso::bootstrap
