// Reaching a real guest from an end-to-end test: the test image, SSH keys, the SSH banner through
// the 127.0.0.1 port forward, and ssh commands whose host key is checked strictly against a
// known_hosts written from the key the guest phoned home. Only 127.0.0.1 is ever contacted.
// Any test thread may call these; each blocks for at most the bound it is given.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "platform/process.hpp"
#include "util/error.hpp"

namespace kaso::e2e {

using steady_clock = std::chrono::steady_clock;

// Seconds since `since`, for the figures a test reports.
double seconds_since(steady_clock::time_point since);

// Calls `pred` every `every` until it returns true (then true) or `limit` has passed (then false).
template <class Pred>
bool poll_until(std::chrono::seconds limit, std::chrono::milliseconds every, Pred pred) {
  auto deadline = steady_clock::now() + limit;
  while (true) {
    if (pred()) return true;
    if (steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
}

// The qcow2 the tests boot: $KASO_E2E_IMAGE when set, else `tools/test-image/build --print-path`
// (which builds it the first time: minutes). The error says why there is none.
result<std::filesystem::path> test_image();

// The accelerator the server is configured with for the guests of this test: "auto" (KVM where
// /dev/kvm is usable) unless /dev/kvm opens but cannot boot the image's kernel (nested
// virtualisation seen doing that: the kernel prints nothing after GRUB), checked by booting
// `image` under KVM for at most `bound` in `workdir`; then "tcg", and `note` says why.
std::string accelerator_for(const std::filesystem::path& image, const std::filesystem::path& workdir,
                            std::chrono::seconds bound, std::string& note);

// Writes a fresh ed25519 key pair `dir/name` (+ ".pub") with ssh-keygen; returns the private key.
result<std::filesystem::path> make_ssh_key(const std::filesystem::path& dir, const std::string& name);

// True when something on 127.0.0.1:port sends an SSH version line within `wait`. (A user-network
// port forward accepts at once, so a bare connect says nothing about the guest.)
bool ssh_banner(int port, std::chrono::milliseconds wait);

// ssh as `user` to 127.0.0.1:port with `key`, trusting only the host keys in `known_hosts`.
class ssh_client {
 public:
  ssh_client(std::filesystem::path key, std::filesystem::path known_hosts, std::string user, int port);

  // Replaces known_hosts with the one line "[127.0.0.1]:PORT TYPE BASE64".
  void trust(const std::string& type, const std::string& base64) const;
  // Runs `command` in the guest (BatchMode: never a prompt), killed after `timeout`.
  platform::process_output run(const std::string& command,
                               std::chrono::seconds timeout = std::chrono::seconds(60)) const;
  // Polls `run("true")` until it succeeds or `limit` passes; the last failure's stderr otherwise.
  status wait_reachable(std::chrono::seconds limit) const;

 private:
  std::filesystem::path key_;
  std::filesystem::path known_hosts_;
  std::string user_;
  int port_;
};

}  // namespace kaso::e2e
