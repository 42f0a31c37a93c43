// See guest_probe.hpp.
#include "guest_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "platform/child_process.hpp"

namespace kaso::e2e {
namespace {

namespace fs = std::filesystem;

// The first line is the path; anything before it (a progress note) is not.
std::string last_line(const std::string& text) {
  std::string s = text;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  auto nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

// Reads from `fd` until a newline, `wait` passes or the peer closes.
std::string read_line(int fd, std::chrono::milliseconds wait) {
  auto deadline = steady_clock::now() + wait;
  std::string got;
  while (got.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[256];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

}  // namespace

double seconds_since(steady_clock::time_point since) {
  return std::chrono::duration<double>(steady_clock::now() - since).count();
}

std::string accelerator_for(const fs::path& image, const fs::path& workdir, std::chrono::seconds bound,
                            std::string& note) {
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return "auto";  // no KVM: the server uses TCG by itself
  ::close(fd);
  auto overlay = workdir / "kvm-probe.qcow2";
  auto serial = workdir / "kvm-probe.serial";
  auto made = platform::run_process({"qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", image.string(),
                                     overlay.string()},
                                    std::chrono::seconds(60));
  if (!made.ok() || !made->succeeded()) return "auto";
  auto qemu = platform::spawn_detached(
      {"qemu-system-x86_64", "-machine", "q35", "-accel", "kvm", "-cpu", "host", "-m", "512", "-nodefaults",
       "-display", "none", "-serial", "file:" + serial.string(), "-drive", "if=virtio,file=" + overlay.string(),
       "-nic", "user,restrict=on"},
      {workdir / "kvm-probe.log"});
  if (!qemu.ok()) return "auto";
  auto kernel_spoke = [&] {
    std::ifstream in(serial);
    std::stringstream text;
    text << in.rdbuf();
    return text.str().find("Linux version") != std::string::npos || text.str().find("systemd") != std::string::npos;
  };
  // A qemu that KVM aborts at once (the server's own probe sees that too) ends the wait early.
  bool ended = false;
  bool booted = poll_until(bound, std::chrono::milliseconds(200), [&] {
    if (kernel_spoke()) return true;
    ended = platform::poll_exit(*qemu).has_value();
    return ended;
  }) && !ended;
  (void)platform::send_signal(*qemu, SIGKILL);
  (void)platform::wait_exit(*qemu, std::chrono::seconds(10));
  std::error_code ignored;
  fs::remove(overlay, ignored);
  if (booted) return "auto";
  note = ended ? "/dev/kvm opens, but qemu ended at once under KVM (broken nested virtualisation): the guests of "
                 "this test run under TCG"
               : "/dev/kvm opens, but the guest's kernel printed nothing within " + std::to_string(bound.count()) +
                     " s under KVM (broken nested virtualisation): the guests of this test run under TCG";
  return "tcg";
}

result<fs::path> test_image() {
  if (const char* given = std::getenv("KASO_E2E_IMAGE"); given != nullptr && *given != '\0') {
    if (!fs::is_regular_file(given)) return error::not_found(std::string("KASO_E2E_IMAGE=") + given + " is not a file");
    return fs::path(given);
  }
  auto r = platform::run_process({KASO_TEST_IMAGE_BUILD, "--print-path"}, std::chrono::minutes(20));
  if (!r.ok()) return error::io_error(std::string(KASO_TEST_IMAGE_BUILD) + ": " + r.error().to_string());
  if (!r->succeeded()) {
    return error::io_error(std::string(KASO_TEST_IMAGE_BUILD) + " --print-path failed (exit " +
                           std::to_string(r->exit_code) + "):\n" + r->stderr_text);
  }
  fs::path image = last_line(r->stdout_text);
  if (!fs::is_regular_file(image)) return error::not_found("the test image build printed '" + image.string() + "', not a file");
  return image;
}

result<fs::path> make_ssh_key(const fs::path& dir, const std::string& name) {
  auto key = dir / name;
  auto r = platform::run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name + "@kaso-e2e",
                                  "-f", key.string()},
                                 std::chrono::seconds(30));
  if (!r.ok()) return r.error();
  if (!r->succeeded()) return error::io_error("ssh-keygen failed: " + r->stderr_text);
  return key;
}

bool ssh_banner(int port, std::chrono::milliseconds wait) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    ok = read_line(fd, wait).rfind("SSH-", 0) == 0;
  }
  ::close(fd);
  return ok;
}

ssh_client::ssh_client(fs::path key, fs::path known_hosts, std::string user, int port)
    : key_(std::move(key)), known_hosts_(std::move(known_hosts)), user_(std::move(user)), port_(port) {}

void ssh_client::trust(const std::string& type, const std::string& base64) const {
  std::ofstream(known_hosts_, std::ios::trunc) << "[127.0.0.1]:" << port_ << " " << type << " " << base64 << "\n";
}

platform::process_output ssh_client::run(const std::string& command, std::chrono::seconds timeout) const {
  std::vector<std::string> argv = {
      "ssh", "-F", "/dev/null", "-i", key_.string(), "-p", std::to_string(port_),
      "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=yes",
      "-o", "UserKnownHostsFile=" + known_hosts_.string(), "-o", "GlobalKnownHostsFile=/dev/null",
      "-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR", user_ + "@127.0.0.1", command};
  auto r = platform::run_process(argv, timeout);
  if (r.ok()) return *r;
  platform::process_output failed;
  failed.stderr_text = r.error().to_string();
  return failed;
}

status ssh_client::wait_reachable(std::chrono::seconds limit) const {
  std::string last;
  bool ok = poll_until(limit, std::chrono::seconds(2), [&] {
    auto out = run("true", std::chrono::seconds(40));
    last = out.stderr_text;
    return out.succeeded();
  });
  if (ok) return ok_status();
  return error::timeout("no ssh to " + user_ + "@127.0.0.1:" + std::to_string(port_) + " within " +
                        std::to_string(limit.count()) + " s; last: " + last);
}

}  // namespace kaso::e2e
