// End to end: the real kaso CLI and kaso-server run a real Debian guest (tools/test-image) under
// qemu (TCG) and the test reaches it over SSH, checking the host key the guest phoned home.
//   1. the image and two identities (an SSH key, a password) are created with the CLI;
//   2. an instance seeded from a cidata disk (ci-disk) with a static address boots;
//   3. it phones home with its host key;  4. ssh (strict host key checking) sees its name, its
//      users and its address;  5. a graceful stop is an ACPI powerdown, and nothing restarts it;
//   6. it starts again;  7. kill -9 of qemu is a crash, and the supervisor restarts it (the
//      default restart policy, on-failure): the guest boots again and answers SSH;
//   8. a second instance seeded over the network (ci), made by `kaso launch` from the image file
//      with the user's own key and cloud-init, phones home too;
//   9. removal, and the event log tells the story in order.
// Issue #17 on the same guests: instance.ready on every boot (the first, a --wait start, after a
// supervised restart) compared with the first ssh that worked; kaso instance exec/copy/logs with
// the host key kaso writes itself, a guest that phones home another key is refused; kaso launch;
// shared directories (9p), one read-only, changed while stopped (modify --mount/--remove-mount)
// and mounted as changed on the next boots.
// Guests run one at a time on the host-only network (user networking with restrict=on); only
// 127.0.0.1 is contacted. The figures (start call, phone home, SSH) are printed at the end.
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <optional>

#include <gtest/gtest.h>

#include <httplib.h>

#include "guest_probe.hpp"
#include "platform/free_port.hpp"
#include "server_harness.hpp"

namespace kaso::e2e {
namespace {

using testing::alive;
using testing::kill_qemu;
using testing::server_harness;

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto boot_limit = 300s;  // start until phone home or SSH, under TCG on a shared host
constexpr const char* image_name = "debian";
constexpr const char* key_user = "tester";
constexpr const char* password_user = "debugger";
constexpr const char* password = "e2e-Secret-41";
constexpr const char* disk_vm = "e2e-disk";
constexpr const char* net_vm = "e2e-net";
constexpr const char* static_ip = "172.16.4.5";

// What one boot took, in seconds from the start request (-1: not seen).
struct boot_figures {
  std::string what;
  steady_clock::time_point started = steady_clock::now();
  double start_call = -1;  // until the server answered the start: qemu running
  double banner = -1;      // until sshd answered on the forwarded port
  double phone_home = -1;  // until the phone home (with a host key) was recorded
  double ssh = -1;         // until an ssh command succeeded
  double ready = -1;       // instance.ready's after_ms, as the server measured it from instance.starting
  pid_t pid = 0;           // qemu, as the start answer named it
};

int port_of(const json& vm) { return vm.is_object() ? vm.value("ssh_port", 0) : 0; }

pid_t pid_of(const json& vm) { return vm.is_object() ? vm.value("pid", 0) : 0; }


bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The story without the address reports and readiness (whose place among the guest's own reports
// depends on the guest's timing); readiness is counted on its own (ready_count).
std::vector<std::string> types_of(const json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    if (e["type"] != "instance.ip_reported" && e["type"] != "instance.ready") out.push_back(e["type"]);
  }
  return out;
}

long ready_count(const json& events) {
  return std::count_if(events.begin(), events.end(), [](const json& e) { return e["type"] == "instance.ready"; });
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

class guest_lifecycle : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  json instance(const std::string& name) const { return s_.get_json("/api/v1/instances/" + name); }
  json events_of(std::uint64_t id) const {
    return s_.get_json("/api/v1/events?kind=instance&id=" + std::to_string(id));
  }
  json create(const std::string& name, const std::string& bootstrapper, std::vector<std::string> extra);
  boot_figures start_with_cli(const std::string& name, const std::string& what);
  std::string wait_for_phone_home(const std::string& name, boot_figures& f);
  void wait_for_ssh(const ssh_client& ssh, int port, boot_figures& f);
  std::string diagnostics(const std::string& name) const;
  void stop_leftover_guests();
  std::string name_of(int port) const { return port == port_of(net_) ? net_vm : disk_vm; }

  // The steps of the scenario, in order.
  void boot_the_disk_seeded_instance();
  void change_the_mounts();
  void check_the_changed_mounts();
  void check_that_another_host_key_is_refused();
  void wait_for_ready(const std::string& name, boot_figures& f);
  void get_in_with_the_cli();
  void phone_home_another_key_and_be_refused();
  platform::process_output kaso_exec(const std::vector<std::string>& command) const;
  void stop_gracefully();
  void start_again();
  void kill_qemu_and_wait_for_the_restart();
  void remove_the_disk_seeded_instance();
  void boot_the_network_seeded_instance();
  void remove_everything();

  std::uint64_t id() const { return disk_["id"]; }
  int port() const { return port_of(disk_); }

  server_harness s_{"kaso-e2e"};
  fs::path key_;
  fs::path image_file_;  // the test image's qcow2
  std::vector<boot_figures> figures_;
  json disk_;                     // the ci-disk instance as created
  json net_;                      // the ci instance as created
  std::optional<ssh_client> ssh_;  // to the ci-disk instance
  std::vector<pid_t> qemu_pids_;  // every qemu the server reported starting
};

void guest_lifecycle::SetUp() {
  auto image = test_image();
  ASSERT_TRUE(image.ok()) << "no test image: tools/test-image/build could not provide it: "
                          << image.error().to_string();
  std::string note;
  auto accelerator = accelerator_for(*image, s_.root(), 45s, note);
  if (!note.empty()) std::cerr << "[e2e] " << note << "\n";
  s_.write_config({{"accelerator", accelerator}});
  ::setenv("HOME", s_.root().c_str(), 1);  // kaso writes ~/.kaso/known_hosts there
  ASSERT_NO_FATAL_FAILURE(s_.start());
  image_file_ = *image;
  auto created = s_.kaso({"image", "create", "-n", image_name, "--file", image->string()}, 600s);
  ASSERT_EQ(created.exit_code, 0) << created.stderr_text;
  auto got = s_.kaso_json({"image", "get", image_name});
  ASSERT_EQ(got["format"], "qcow2") << got.dump();
  ASSERT_EQ(fs::file_size(got["path"].get<std::string>()), fs::file_size(*image)) << "a copy of the file";
  auto key = make_ssh_key(s_.root(), key_user);
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  key_ = *key;
  auto by_key = s_.kaso_json({"identity", "create", "-n", key_user, "--public-key", key_.string() + ".pub"});
  auto by_password = s_.kaso_json({"identity", "create", "-n", password_user, "--password", password});
  EXPECT_EQ(by_key["name"], key_user) << by_key.dump();
  EXPECT_EQ(by_password["name"], password_user) << by_password.dump();
  EXPECT_FALSE(contains(by_password.dump(), password)) << "no plaintext password comes back";
  ASSERT_EQ(s_.get_json("/api/v1/identities").size(), 2u);
}

void guest_lifecycle::TearDown() {
  for (const auto& f : figures_) {
    std::cout << "[e2e] " << f.what << ": start call " << f.start_call << " s, sshd banner " << f.banner
              << " s, phone home " << f.phone_home << " s, ssh " << f.ssh << " s, instance.ready " << f.ready
              << " s after instance.starting\n";
    RecordProperty(f.what, "start_call=" + std::to_string(f.start_call) + " banner=" + std::to_string(f.banner) +
                               " phone_home=" + std::to_string(f.phone_home) + " ssh=" + std::to_string(f.ssh) +
                               " ready=" + std::to_string(f.ready));
  }
  if (HasFailure()) std::cout << "[e2e] server log tail:\n" << s_.log().substr(s_.log().size() > 6000 ? s_.log().size() - 6000 : 0);
  stop_leftover_guests();
}

// qemu outlives kaso-server by design, so a failed test must not leave a guest running: force
// stop what is still up, then kill any qemu of this test that survived that.
void guest_lifecycle::stop_leftover_guests() {
  auto list = s_.call("GET", "/api/v1/instances");
  if (list.status == 200 && list.body.is_array()) {
    for (const auto& vm : list.body) {
      if (pid_of(vm) > 0) s_.call("POST", "/api/v1/instances/" + vm["name"].get<std::string>() + "/stop", {{"force", true}});
    }
  }
  for (pid_t pid : qemu_pids_) {
    std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
    std::string args((std::istreambuf_iterator<char>(cmdline)), {});
    if (contains(args, "qemu-system") && contains(args, s_.state_path().string())) (void)kill_qemu(pid);
  }
  s_.stop();
}

json guest_lifecycle::create(const std::string& name, const std::string& bootstrapper, std::vector<std::string> extra) {
  std::vector<std::string> args = {"instance", "create", "-n", name, "-b", bootstrapper,
                                   "--network", "default_host_network", "--image", image_name,
                                   "--identity", key_user, "--identity", password_user,
                                   "--ram", "1024", "--vcpu", "2", "-s", "4G"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto vm = s_.kaso_json(args);
  EXPECT_EQ(vm["state"], "created") << vm.dump();
  EXPECT_EQ(vm["disk_size"], 4ull << 30);
  return vm;
}

boot_figures guest_lifecycle::start_with_cli(const std::string& name, const std::string& what) {
  boot_figures f{what};
  auto vm = s_.kaso_json({"instance", "start", name}, 200s);
  f.start_call = seconds_since(f.started);
  f.pid = pid_of(vm);
  qemu_pids_.push_back(f.pid);
  EXPECT_EQ(vm["state"], "running") << vm.dump();
  EXPECT_TRUE(alive(f.pid)) << vm.dump();
  return f;
}

// Polls until the phone home carries an ed25519 host key (an IP report alone makes phone_home
// non-null too); returns the key as `kaso instance get` shows it, "" after the bound.
std::string guest_lifecycle::wait_for_phone_home(const std::string& name, boot_figures& f) {
  int port = instance(name)["ssh_port"];
  bool home = poll_until(boot_limit, 500ms, [&] {
    if (f.banner < 0 && ssh_banner(port, 300ms)) f.banner = seconds_since(f.started);
    auto vm = instance(name);
    if (vm["state"] != "running") return true;
    if (!vm["phone_home"].is_object() || vm["phone_home"]["host_keys"].value("ssh-ed25519", "").empty()) return false;
    f.phone_home = seconds_since(f.started);
    return true;
  });
  auto vm = s_.kaso_json({"instance", "get", name});
  std::string key = vm["phone_home"].is_object() ? vm["phone_home"]["host_keys"].value("ssh-ed25519", "") : "";
  EXPECT_TRUE(home && !key.empty()) << name << " did not phone home within " << boot_limit.count()
                                    << " s: " << vm.dump() << diagnostics(name);
  EXPECT_EQ(vm["phone_home"]["hostname"], name);
  return key;
}

// Both bounds count from the start request, with at least 30 s for each.
void guest_lifecycle::wait_for_ssh(const ssh_client& ssh, int port, boot_figures& f) {
  auto left = [&] {
    auto spent = std::chrono::duration_cast<std::chrono::seconds>(steady_clock::now() - f.started);
    return std::max(boot_limit - spent, std::chrono::seconds(30));
  };
  bool banner = poll_until(left(), 1s, [&] { return ssh_banner(port, 2s); });
  ASSERT_TRUE(banner) << "no sshd answered on 127.0.0.1:" << port << " within " << boot_limit.count()
                      << " s of the start: the port forward reaches no sshd in the guest" << diagnostics(name_of(port));
  if (f.banner < 0) f.banner = seconds_since(f.started);
  auto reached = ssh.wait_reachable(left());
  ASSERT_TRUE(reached.ok()) << reached.error().to_string();
  f.ssh = seconds_since(f.started);
}

// instance.ready for this boot (the server's boot watcher heard sshd); its figure.
void guest_lifecycle::wait_for_ready(const std::string& name, boot_figures& f) {
  json vm;
  bool ready = poll_until(60s, 250ms, [&] { return (vm = instance(name))["ready"] == true; });
  EXPECT_TRUE(ready) << name << " answers ssh but the server never recorded it ready: " << vm.dump();
  if (ready) f.ready = vm["ready_after_s"].get<double>();
  EXPECT_EQ(vm["boot_stage"], "ssh");
}

// kaso instance exec e2e-disk -i KEY -- COMMAND...
platform::process_output guest_lifecycle::kaso_exec(const std::vector<std::string>& command) const {
  std::vector<std::string> args = {"instance", "exec", disk_vm, "-i", key_.string(), "--"};
  args.insert(args.end(), command.begin(), command.end());
  return s_.kaso(args, 120s);
}

// Issue #17: in with kaso alone: exec returns the remote status, copy both ways keeps every
// byte, logs show the boot.
void guest_lifecycle::get_in_with_the_cli() {
  auto hostname = kaso_exec({"hostname"});
  EXPECT_EQ(hostname.exit_code, 0) << hostname.stderr_text;
  EXPECT_EQ(hostname.stdout_text, std::string(disk_vm) + "\n");
  EXPECT_EQ(kaso_exec({"false"}).exit_code, 1);
  EXPECT_EQ(kaso_exec({"sh", "-c", "exit 3"}).exit_code, 3);
  EXPECT_EQ(kaso_exec({"echo", "a  b", "it's"}).stdout_text, "a  b it's\n") << "words arrive as given";
  EXPECT_TRUE(fs::exists(s_.root() / ".kaso" / "known_hosts" / disk_vm));

  std::string bytes;
  for (int i = 0; i < 256 * 1024; ++i) bytes.push_back(static_cast<char>((i * 7919 + i / 251) & 0xff));
  auto up = s_.root() / "up.bin";
  std::ofstream(up, std::ios::binary) << bytes;
  auto sent = s_.kaso({"instance", "copy", "-i", key_.string(), up.string(), std::string(disk_vm) + ":/tmp/up.bin"}, 120s);
  EXPECT_EQ(sent.exit_code, 0) << sent.stderr_text;
  auto local_sum = platform::run_process({"sha256sum", up.string()}, 10s);
  auto remote_sum = ssh_->run("sha256sum /tmp/up.bin");
  ASSERT_TRUE(local_sum.ok());
  EXPECT_EQ(remote_sum.stdout_text.substr(0, 64), local_sum->stdout_text.substr(0, 64)) << remote_sum.stderr_text;
  auto down = s_.root() / "down.bin";
  auto got = s_.kaso({"instance", "copy", "-i", key_.string(), std::string(disk_vm) + ":/tmp/up.bin", down.string()}, 120s);
  EXPECT_EQ(got.exit_code, 0) << got.stderr_text;
  std::ifstream in(down, std::ios::binary);
  EXPECT_TRUE(std::string((std::istreambuf_iterator<char>(in)), {}) == bytes) << "the copy back is byte-identical";
  fs::create_directories(s_.root() / "tree" / "sub");
  std::ofstream(s_.root() / "tree" / "sub" / "leaf.txt") << "leaf\n";
  auto tree = s_.kaso({"instance", "copy", "-r", "-i", key_.string(), (s_.root() / "tree").string(),
                       std::string(disk_vm) + ":/tmp/"}, 120s);
  EXPECT_EQ(tree.exit_code, 0) << tree.stderr_text;
  EXPECT_EQ(kaso_exec({"cat", "/tmp/tree/sub/leaf.txt"}).stdout_text, "leaf\n");

  // Shared directories (9p): readable, writable where asked, and a read-only one refuses writes.
  EXPECT_EQ(kaso_exec({"cat", "/mnt/share/hello.txt"}).stdout_text, "from the host\n");
  EXPECT_EQ(kaso_exec({"sudo", "-n", "sh", "-c", "echo from the guest > /mnt/share/back.txt"}).exit_code, 0);
  std::ifstream back(s_.root() / "share" / "back.txt");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(back)), {}), "from the guest\n");
  EXPECT_EQ(kaso_exec({"cat", "/mnt/ro/notes.txt"}).stdout_text, "read only\n");
  auto ro_write = kaso_exec({"sudo", "-n", "sh", "-c", "echo x > /mnt/ro/new.txt"});
  EXPECT_NE(ro_write.exit_code, 0) << "a read-only mount refuses writes";
  EXPECT_TRUE(contains(ro_write.stderr_text, "Read-only file system")) << ro_write.stderr_text;
  EXPECT_FALSE(fs::exists(s_.root() / "ro-share" / "new.txt"));

  // A forward added to the running instance reaches a port the test opened in the guest, and is
  // gone after its removal.
  auto started = kaso_exec({"sh", "-c", "cd /tmp && setsid nohup python3 -m http.server 8080 >/dev/null 2>&1 < /dev/null &"});
  EXPECT_EQ(started.exit_code, 0) << started.stderr_text;
  EXPECT_TRUE(poll_until(30s, 500ms, [&] { return kaso_exec({"sh", "-c", "ss -ltn | grep -q ':8080 '"}).exit_code == 0; }));
  auto web_port = platform::free_loopback_port();
  ASSERT_TRUE(web_port.ok());
  const std::string spec = std::to_string(*web_port) + ":8080";
  auto added = s_.kaso({"instance", "modify", disk_vm, "--forward", spec});
  EXPECT_EQ(added.exit_code, 0) << added.stderr_text;
  httplib::Client web("127.0.0.1", *web_port);
  web.set_read_timeout(20, 0);
  auto page = web.Get("/tree/sub/leaf.txt");
  EXPECT_TRUE(page && page->status == 200 && page->body == "leaf\n") << (page ? page->body : "no answer");
  auto removed = s_.kaso({"instance", "modify", disk_vm, "--remove-forward", std::to_string(*web_port)});
  EXPECT_EQ(removed.exit_code, 0) << removed.stderr_text;
  httplib::Client gone("127.0.0.1", *web_port);
  gone.set_connection_timeout(2, 0);
  EXPECT_FALSE(gone.Get("/")) << "the forward is gone";

  auto logs = s_.kaso({"instance", "logs", disk_vm});
  EXPECT_EQ(logs.exit_code, 0) << logs.stderr_text;
  EXPECT_TRUE(contains(logs.stdout_text, "Linux version")) << "the console log holds the boot";
  EXPECT_TRUE(contains(logs.stdout_text, std::string(disk_vm) + " login:")) << logs.stdout_text.substr(0, 2000);
}

// Issue #17: kaso trusts only the key the guest phoned home. A phone home with another key (as
// a guest lying about itself would send it, on its own listener) makes exec refuse to connect;
// the real key phoned home again makes it work again.
void guest_lifecycle::phone_home_another_key_and_be_refused() {
  auto post_key = [&](const std::string& key) {
    httplib::Client guest(disk_["path"].get<std::string>() + "/guest.sock");
    guest.set_address_family(AF_UNIX);
    auto r = guest.Post("/phone-home", httplib::Params{{"hostname", disk_vm}, {"pub_key_ed25519", key}});
    EXPECT_TRUE(r && r->status == 200) << (r ? r->status : -1);
  };
  const std::string real = instance(disk_vm)["phone_home"]["host_keys"]["ssh-ed25519"];
  std::ifstream own_pub(key_.string() + ".pub");
  std::string type, other_key;
  own_pub >> type >> other_key;
  post_key(type + " " + other_key);
  EXPECT_TRUE(poll_until(10s, 100ms, [&] { return instance(disk_vm)["phone_home"]["host_keys"]["ssh-ed25519"] == other_key; }));
  auto refused = kaso_exec({"hostname"});
  EXPECT_EQ(refused.exit_code, 255) << refused.stdout_text;
  EXPECT_TRUE(contains(refused.stderr_text, "Host key verification failed")) << refused.stderr_text;
  post_key("ssh-ed25519 " + real);
  EXPECT_TRUE(poll_until(10s, 100ms, [&] { return instance(disk_vm)["phone_home"]["host_keys"]["ssh-ed25519"] == real; }));
  EXPECT_EQ(kaso_exec({"hostname"}).exit_code, 0);
}

// The instance's view and the tail of qemu's log, for a failure message.
std::string guest_lifecycle::diagnostics(const std::string& name) const {
  auto r = s_.call("GET", "/api/v1/instances/" + name);
  std::string out = "\ninstance: " + r.body.dump();
  if (r.status == 200) {
    auto nic = platform::run_process({"grep", "-o", "-e", "-nic .*", r.body.value("vm_script_path", "")}, 10s);
    if (nic.ok()) out += "\nqemu " + nic->stdout_text;
    auto out_log = platform::run_process({"tail", "-c", "3000", r.body.value("log_path", "")}, 10s);
    if (out_log.ok()) out += "\nqemu log tail:\n" + out_log->stdout_text;
  }
  return out;
}

// 2-4. An instance seeded from a cidata disk with a static address boots, phones home, and ssh
// (trusting only the phoned-home key) sees its name, its users and its address.
void guest_lifecycle::boot_the_disk_seeded_instance() {
  fs::create_directories(s_.root() / "share");
  fs::create_directories(s_.root() / "ro-share");
  std::ofstream(s_.root() / "share" / "hello.txt") << "from the host\n";
  std::ofstream(s_.root() / "ro-share" / "notes.txt") << "read only\n";
  disk_ = create(disk_vm, "ci-disk",
                 {"--static-ip4", static_ip, "--mount", (s_.root() / "share").string() + ":/mnt/share", "--mount",
                  (s_.root() / "ro-share").string() + ":/mnt/ro:ro"});
  auto first = start_with_cli(disk_vm, "ci-disk first boot");
  ASSERT_TRUE(alive(first.pid)) << "qemu does not run";
  std::string host_key = wait_for_phone_home(disk_vm, first);
  ASSERT_FALSE(host_key.empty());
  ssh_.emplace(key_, s_.root() / "disk.known_hosts", key_user, port());
  ssh_->trust("ssh-ed25519", host_key);
  ASSERT_NO_FATAL_FAILURE(wait_for_ssh(*ssh_, port(), first));
  wait_for_ready(disk_vm, first);
  figures_.push_back(first);
  EXPECT_EQ(ssh_->run("hostname").stdout_text, std::string(disk_vm) + "\n");
  auto id_tester = ssh_->run(std::string("id ") + key_user);
  EXPECT_TRUE(id_tester.succeeded() && contains(id_tester.stdout_text, "(sudo)")) << id_tester.stdout_text;
  EXPECT_TRUE(ssh_->run(std::string("id ") + password_user).succeeded());
  // The password identity's user has a SHA-512 crypt hash of exactly that password.
  auto shadow = ssh_->run(std::string("sudo -n python3 -W ignore -c 'import crypt, spwd; h = spwd.getspnam(\"") +
                          password_user + "\").sp_pwdp; print(h.startswith(\"$6$\") and crypt.crypt(\"" + password +
                          "\", h) == h)'");
  EXPECT_EQ(shadow.stdout_text, "True\n") << shadow.stderr_text;
  auto addr = ssh_->run("ip -4 addr");
  EXPECT_TRUE(contains(addr.stdout_text, std::string("inet ") + static_ip + "/24")) << addr.stdout_text;
  EXPECT_TRUE(poll_until(60s, 500ms, [&] {
    auto home = instance(disk_vm)["phone_home"];
    return home.is_object() && home.value("ip", "") == static_ip;
  }))
      << "the guest reports its address: " << instance(disk_vm).dump();
}

// The host key check is real: a known_hosts with another key is refused.
void guest_lifecycle::check_that_another_host_key_is_refused() {
  ssh_client wrong(key_, s_.root() / "wrong.known_hosts", key_user, port());
  std::ifstream own_pub(key_.string() + ".pub");
  std::string type, other_key;
  own_pub >> type >> other_key;
  wrong.trust(type, other_key);
  auto refused = wrong.run("true");
  EXPECT_FALSE(refused.succeeded());
  EXPECT_TRUE(contains(refused.stderr_text, "Host key verification failed")) << refused.stderr_text;
}

// 5. A graceful stop: the guest powers off on ACPI, and nothing starts it again.
void guest_lifecycle::stop_gracefully() {
  pid_t pid = instance(disk_vm)["pid"];
  auto began = steady_clock::now();
  auto stopped = s_.kaso_json({"instance", "stop", disk_vm, "--timeout", "120"}, 320s);
  std::cout << "[e2e] graceful stop took " << seconds_since(began) << " s\n";
  EXPECT_EQ(stopped["state"], "stopped") << stopped.dump();
  EXPECT_FALSE(alive(pid));
  auto evs = events_of(id());
  ASSERT_FALSE(evs.empty());
  EXPECT_EQ(evs.back()["type"], "instance.stopped");
  EXPECT_EQ(evs.back()["payload"]["ended_by"], "powerdown") << evs.back().dump();
  EXPECT_EQ(evs.back()["payload"]["exit_code"], 0);
  const auto recorded = evs.size();
  bool changed = poll_until(5s, 250ms, [&] {
    return instance(disk_vm)["state"] != "stopped" || events_of(id()).size() != recorded;
  });
  EXPECT_FALSE(changed) << "no restart after a requested stop: " << events_of(id()).dump();
}

// Issue #17: while stopped, one share goes and another comes; the next boots mount them so.
void guest_lifecycle::change_the_mounts() {
  fs::create_directories(s_.root() / "later");
  std::ofstream(s_.root() / "later" / "x.txt") << "added later\n";
  auto changed = s_.kaso({"instance", "modify", disk_vm, "--remove-mount", "/mnt/ro", "--mount",
                          (s_.root() / "later").string() + ":/mnt/later"});
  EXPECT_EQ(changed.exit_code, 0) << changed.stderr_text;
}

// What change_the_mounts asked for, in the guest of this boot.
void guest_lifecycle::check_the_changed_mounts() {
  EXPECT_EQ(kaso_exec({"cat", "/mnt/later/x.txt"}).stdout_text, "added later\n");
  EXPECT_EQ(kaso_exec({"cat", "/mnt/share/hello.txt"}).stdout_text, "from the host\n");
  EXPECT_NE(kaso_exec({"mountpoint", "-q", "/mnt/ro"}).exit_code, 0) << "the removed share is not mounted";
}

// 6. Started again, with --wait: it returns once the server saw sshd answer (issue #17), and ssh
// works at once; reachable again, with the same host key.
void guest_lifecycle::start_again() {
  boot_figures second{"ci-disk second boot (start --wait)"};
  auto waited = s_.kaso({"instance", "start", disk_vm, "--wait"}, 400s);
  second.start_call = seconds_since(second.started);
  ASSERT_EQ(waited.exit_code, 0) << waited.stderr_text << diagnostics(disk_vm);
  EXPECT_TRUE(contains(waited.stdout_text, std::string(disk_vm) + " is ready (after ")) << waited.stdout_text;
  EXPECT_TRUE(contains(waited.stderr_text, std::string(disk_vm) + ": SSH ready\n")) << waited.stderr_text;
  EXPECT_TRUE(contains(waited.stderr_text, std::string(disk_vm) + ": kernel booting\n")) << waited.stderr_text;
  auto vm = instance(disk_vm);
  second.pid = pid_of(vm);
  qemu_pids_.push_back(second.pid);
  EXPECT_EQ(vm["ready"], true);
  second.ready = vm["ready_after_s"].is_number() ? vm["ready_after_s"].get<double>() : -1;
  auto first_try = ssh_->run("hostname");
  EXPECT_TRUE(first_try.succeeded()) << "ready means ssh works: " << first_try.stderr_text;
  ASSERT_NO_FATAL_FAILURE(wait_for_ssh(*ssh_, port(), second));
  figures_.push_back(second);
  EXPECT_EQ(ssh_->run("hostname").stdout_text, std::string(disk_vm) + "\n");
  check_the_changed_mounts();
}

// 7. kill -9 of qemu: a crash, and the supervisor starts it again by itself (no API call); the
// guest boots from its overlay and is reachable again.
void guest_lifecycle::kill_qemu_and_wait_for_the_restart() {
  pid_t pid = instance(disk_vm)["pid"];
  ASSERT_TRUE(alive(pid));
  auto before = types_of(events_of(id())).size();  // (address reports left out)
  boot_figures again{"ci-disk restarted by the supervisor (from kill -9)"};
  ASSERT_TRUE(kill_qemu(pid));
  json after;
  ASSERT_TRUE(poll_until(60s, 100ms, [&] {
    after = instance(disk_vm);
    return after["state"] == "running" && after["pid"] != pid;
  })) << "qemu was not restarted: " << after.dump();
  again.pid = after["pid"];
  again.start_call = std::chrono::duration<double>(steady_clock::now() - again.started).count();
  qemu_pids_.push_back(again.pid);
  auto evs = events_of(id());
  auto told = types_of(evs);
  EXPECT_EQ(std::vector<std::string>(told.begin() + static_cast<long>(before), told.end()),
            (std::vector<std::string>{"instance.crashed", "instance.restart_scheduled", "instance.starting",
                                      "instance.restarted"}))
      << joined(told);
  auto crash = std::find_if(evs.begin(), evs.end(), [](const json& e) { return e["type"] == "instance.crashed"; });
  ASSERT_NE(crash, evs.end());
  EXPECT_EQ((*crash)["payload"]["signal"], 9);
  ASSERT_NO_FATAL_FAILURE(wait_for_ssh(*ssh_, port(), again));
  wait_for_ready(disk_vm, again);
  figures_.push_back(again);
  EXPECT_EQ(ssh_->run("hostname").stdout_text, std::string(disk_vm) + "\n");
  EXPECT_EQ(kaso_exec({"cat", "/mnt/later/x.txt"}).stdout_text, "added later\n") << "mounted on every boot";
}

// The first guest goes before the second boots (remove --force stops it first); its story.
void guest_lifecycle::remove_the_disk_seeded_instance() {
  auto removed = s_.kaso({"instance", "remove", disk_vm, "--force"}, 320s);
  EXPECT_EQ(removed.exit_code, 0) << removed.stderr_text;
  EXPECT_FALSE(fs::exists(disk_["path"].get<std::string>()));
  std::vector<std::string> story = {"instance.created", "instance.starting", "instance.started",
                                    "instance.phoned_home", "instance.forward_added", "instance.forward_removed",
                                    "instance.phoned_home", "instance.phoned_home", "instance.stopping", "instance.stopped",
                                    "instance.mount_removed", "instance.mount_added",
                                    "instance.starting", "instance.started",
                                    "instance.crashed", "instance.restart_scheduled", "instance.starting",
                                    "instance.restarted", "instance.stopping", "instance.stopped", "instance.removed"};
  auto evs = events_of(id());
  auto told = types_of(evs);
  EXPECT_EQ(told, story) << joined(told);
  EXPECT_EQ(ready_count(evs), 3) << "instance.ready on each of its three boots";
}

// 8. A second instance, seeded over the network by kaso's guest listener, on DHCP, made by
// `kaso launch` from the image file (issue #17) with no identity of the user's key yet and the
// user's own cloud-init (write_files and runcmd beside kaso's users and address report).
void guest_lifecycle::boot_the_network_seeded_instance() {
  fs::create_directories(s_.root() / ".ssh");
  auto own_key = make_ssh_key(s_.root() / ".ssh", "id_ed25519");
  ASSERT_TRUE(own_key.ok()) << own_key.error().to_string();
  auto cloud_init = s_.root() / "user-cloud-init.yaml";
  std::ofstream(cloud_init) << "#cloud-config\n"
                               "write_files:\n"
                               "  - path: /etc/kaso-e2e\n"
                               "    content: written by the user's cloud-init\n"
                               "runcmd:\n"
                               "  - [sh, -c, 'echo ran > /run/kaso-e2e-runcmd']\n";
  boot_figures boot{"ci (network seed) boot by kaso launch, until ready"};
  auto launched = s_.kaso({"launch", image_file_.string(), "-n", net_vm, "-b", "ci", "--cloud-init", cloud_init.string(),
                           "--ram", "1024", "--vcpu", "2", "-s", "4G"},
                          700s);
  boot.start_call = seconds_since(boot.started);
  net_ = instance(net_vm);
  qemu_pids_.push_back(pid_of(net_));
  ASSERT_EQ(launched.exit_code, 0) << launched.stderr_text << diagnostics(net_vm);
  EXPECT_TRUE(contains(launched.stdout_text, std::string("Launched ") + net_vm + " (ready after ")) << launched.stdout_text;
  EXPECT_TRUE(contains(launched.stdout_text, std::string("Get in with: kaso instance shell ") + net_vm));
  EXPECT_TRUE(contains(launched.stderr_text, "Importing " + image_file_.string() + " as image ")) << launched.stderr_text;
  EXPECT_TRUE(contains(launched.stderr_text, "Created identity ")) << launched.stderr_text;
  EXPECT_EQ(net_["ready"], true);
  boot.ready = net_["ready_after_s"].is_number() ? net_["ready_after_s"].get<double>() : -1;
  EXPECT_EQ(s_.get_json("/api/v1/identities").size(), 3u) << "one identity made from ~/.ssh/id_ed25519.pub";
  auto exec = [&](const std::vector<std::string>& command) {
    std::vector<std::string> args = {"instance", "exec", net_vm, "-i", own_key->string(), "--"};
    args.insert(args.end(), command.begin(), command.end());
    return s_.kaso(args, 300s);  // waits for the phone home's host keys first
  };
  auto hostname = exec({"hostname"});
  boot.ssh = seconds_since(boot.started);
  figures_.push_back(boot);
  EXPECT_EQ(hostname.exit_code, 0) << hostname.stderr_text;
  EXPECT_EQ(hostname.stdout_text, std::string(net_vm) + "\n");
  EXPECT_EQ(exec({"cat", "/etc/kaso-e2e"}).stdout_text, "written by the user's cloud-init");
  EXPECT_EQ(exec({"cat", "/run/kaso-e2e-runcmd"}).stdout_text, "ran\n") << "the user's runcmd ran";
  auto addr = exec({"ip", "-4", "-o", "addr", "show", "scope", "global"});
  EXPECT_TRUE(contains(addr.stdout_text, "inet 172.16.4.")) << addr.stdout_text;
  EXPECT_TRUE(poll_until(60s, 500ms, [&] {
    auto home = instance(net_vm)["phone_home"];
    return home.is_object() && contains(home.value("ip", ""), "172.16.4.");
  })) << "kaso's own address report (its runcmd) ran beside the user's: " << instance(net_vm).dump();
  auto status = exec({"cloud-init", "status", "--long"});
  EXPECT_TRUE(contains(status.stdout_text, "DataSourceNoCloudNet")) << status.stdout_text;
}

// 9. Removal, and the second instance's story in the event log.
void guest_lifecycle::remove_everything() {
  auto removed = s_.kaso({"instance", "remove", net_vm, "--force"}, 320s);
  EXPECT_EQ(removed.exit_code, 0) << removed.stderr_text;
  for (const auto& img : s_.get_json("/api/v1/images")) {
    auto image_removed = s_.kaso({"image", "remove", img["name"].get<std::string>()});
    EXPECT_EQ(image_removed.exit_code, 0) << image_removed.stderr_text;
  }
  EXPECT_TRUE(s_.get_json("/api/v1/images").empty());
  EXPECT_TRUE(s_.get_json("/api/v1/instances").empty());
  auto net_events = events_of(net_["id"]);
  EXPECT_EQ(ready_count(net_events), 1);
  auto told = types_of(net_events);
  EXPECT_EQ(told, (std::vector<std::string>{"instance.created", "instance.starting", "instance.started",
                                            "instance.phoned_home", "instance.stopping", "instance.stopped",
                                            "instance.removed"}))
      << joined(told);
  auto log = s_.kaso_json({"events", "list", "--kind", "image"});
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back()["type"], "image.removed");
}

TEST_F(guest_lifecycle, a_real_guest_boots_phones_home_answers_ssh_stops_crashes_and_is_removed) {
  ASSERT_NO_FATAL_FAILURE(boot_the_disk_seeded_instance());
  check_that_another_host_key_is_refused();
  get_in_with_the_cli();
  phone_home_another_key_and_be_refused();
  ASSERT_NO_FATAL_FAILURE(stop_gracefully());
  change_the_mounts();
  ASSERT_NO_FATAL_FAILURE(start_again());
  ASSERT_NO_FATAL_FAILURE(kill_qemu_and_wait_for_the_restart());
  ASSERT_NO_FATAL_FAILURE(remove_the_disk_seeded_instance());
  ASSERT_NO_FATAL_FAILURE(boot_the_network_seeded_instance());
  remove_everything();
}

}  // namespace
}  // namespace kaso::e2e
