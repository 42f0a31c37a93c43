// The host-side boot watcher (issue #17): the console log's bound and stages, the SSH banner
// probe against listeners this test runs on 127.0.0.1, and the watcher reporting a boot's stages
// and readiness once.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "guest/boot_watcher.hpp"
#include "guest/console_log.hpp"
#include "guest/ssh_banner.hpp"
#include "qemu/temp_dir.hpp"

namespace kaso::guest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The qemu tests' temporary directory, with the path as a filesystem path.
struct temp_dir {
  qemu::temp_dir dir{"kaso-boot-watch-"};
  fs::path path{dir.path()};
};

void append(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::app | std::ios::binary) << text; }

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A TCP listener on 127.0.0.1 that greets each connection with `greeting` (none: silence) and
// closes it after `hold`. The greeting can change while it listens (sshd coming up).
class fake_sshd {
 public:
  explicit fake_sshd(std::string greeting, std::chrono::milliseconds hold = 0ms) : greeting_(std::move(greeting)), hold_(hold) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (true) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        auto greeting = this->greeting();
        if (!greeting.empty()) (void)::write(c, greeting.data(), greeting.size());
        pollfd peer{c, POLLIN, 0};  // held open until the client goes or `hold` passes
        (void)::poll(&peer, 1, static_cast<int>(hold_.count()));
        ::close(c);
      }
    });
  }
  ~fake_sshd() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  void set_greeting(std::string g) {
    std::lock_guard lock(mutex_);
    greeting_ = std::move(g);
  }
  std::string greeting() {
    std::lock_guard lock(mutex_);
    return greeting_;
  }

 private:
  std::mutex mutex_;
  std::string greeting_;
  std::chrono::milliseconds hold_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// A port nothing listens on (bound, then closed).
std::uint16_t closed_port() {
  fake_sshd gone("");
  return gone.port();
}

TEST(console_log, issue_17_a_log_past_its_bound_becomes_the_older_one_and_starts_empty) {
  temp_dir dir;
  auto log = dir.path / "console.log";
  append(log, std::string(600, 'a'));
  ASSERT_TRUE(bound_console_log(log, 1000).ok());
  EXPECT_EQ(fs::file_size(log), 600u) << "under the bound: untouched";
  EXPECT_FALSE(fs::exists(older_console_log(log)));
  append(log, std::string(600, 'b'));
  auto rotated = bound_console_log(log, 1000);
  ASSERT_TRUE(rotated.ok() && *rotated);
  EXPECT_EQ(fs::file_size(log), 0u);
  EXPECT_EQ(read_all(older_console_log(log)), std::string(600, 'a') + std::string(600, 'b'));
  append(log, "now\n");
  std::uint64_t end = 0;
  auto tail = read_console_tail(log, 10, end);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(*tail, "bbbbbbnow\n") << "the older log's end, then the current one";
  EXPECT_EQ(end, 4u);
  auto from = read_console_from(log, 2, 100, end);
  ASSERT_TRUE(from.ok());
  EXPECT_EQ(*from, "w\n");
  EXPECT_EQ(end, 4u);
  from = read_console_from(log, 900, 100, end);
  EXPECT_EQ(*from, "now\n") << "an offset past the end (rotated since) reads from the start";
}

TEST(console_log, issue_17_a_missing_log_reads_as_empty) {
  temp_dir dir;
  std::uint64_t end = 7;
  auto tail = read_console_tail(dir.path / "console.log", 100, end);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(*tail, "");
  EXPECT_EQ(end, 0u);
}

TEST(console_log, issue_17_stages_come_from_the_kernel_banner_and_the_login_prompt) {
  EXPECT_EQ(stage_of_console("SeaBIOS (version 1.16.2)\r\nBooting from Hard Disk..."), boot_stage::firmware);
  EXPECT_EQ(stage_of_console("[    0.000000] Linux version 6.1.0-27-cloud-amd64"), boot_stage::kernel);
  EXPECT_EQ(stage_of_console("Linux version 6.1\r\n...\r\nDebian GNU/Linux 12 vm1 ttyS0\r\n\r\nvm1 login: "),
            boot_stage::login_prompt);
}

TEST(ssh_banner, issue_17_only_an_ssh_version_line_counts) {
  fake_sshd sshd("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
  EXPECT_TRUE(ssh_banner_answers(sshd.port(), 2000ms));
  fake_sshd slirp("");  // qemu's port forward with no guest behind it: accepts, then closes
  EXPECT_FALSE(ssh_banner_answers(slirp.port(), 2000ms));
  fake_sshd silent("", 3000ms);  // accepts and says nothing while the guest's stack is not up
  EXPECT_FALSE(ssh_banner_answers(silent.port(), 200ms));
  fake_sshd http("HTTP/1.1 400 Bad Request\r\n");
  EXPECT_FALSE(ssh_banner_answers(http.port(), 2000ms));
  EXPECT_FALSE(ssh_banner_answers(closed_port(), 2000ms));
  EXPECT_FALSE(ssh_banner_answers(0, 2000ms));
}

// What a watcher reported, in order.
struct reports {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> seen;
  void add(std::string s) {
    std::lock_guard lock(mutex);
    seen.push_back(std::move(s));
    changed.notify_all();
  }
  // Waits until `n` reports came or `bound` passed; a copy of them.
  std::vector<std::string> wait_for(std::size_t n, std::chrono::milliseconds bound = 20s) {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, bound, [&] { return seen.size() >= n; });
    return seen;
  }
};

TEST(boot_watcher, issue_17_a_boot_is_followed_through_its_stages_to_ready_once) {
  temp_dir dir;
  auto log = dir.path / "console.log";
  append(log, "an earlier boot: Linux version 5.10\r\nold login: ");  // before this boot's offset
  reports r;
  boot_watch w;
  w.console_log = log;
  w.console_offset = fs::file_size(log);
  w.period = 20ms;
  w.banner_wait = 200ms;
  fake_sshd sshd("");  // the port forward answers before sshd does
  w.ssh_port = sshd.port();
  w.on_stage = [&](boot_stage s) { r.add(std::string(to_string(s))); };
  w.on_ready = [&] { r.add("ready"); };
  auto watcher = boot_watcher::start(w);
  append(log, "SeaBIOS\r\n[    0.000000] Linux version 6.1.0\r\n");
  EXPECT_EQ(r.wait_for(1), std::vector<std::string>{"kernel"});
  append(log, "Debian GNU/Linux 12 vm1 ttyS0\r\nvm1 login: ");
  EXPECT_EQ(r.wait_for(2), (std::vector<std::string>{"kernel", "login_prompt"}));
  sshd.set_greeting("SSH-2.0-OpenSSH_9.2p1\r\n");
  EXPECT_EQ(r.wait_for(4), (std::vector<std::string>{"kernel", "login_prompt", "ssh", "ready"}));
  EXPECT_EQ(r.wait_for(5, 300ms).size(), 4u) << "ready once: no report in fifteen more periods";
  watcher.reset();
}

}  // namespace
}  // namespace kaso::guest
