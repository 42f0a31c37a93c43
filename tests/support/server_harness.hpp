// Test harness for the integration and end-to-end tests: a real kaso-server in a temporary
// directory, the real kaso CLI against it, and a raw HTTP client on its Unix socket. The server is
// a direct child of the test; the destructor kills it if the test did not stop it. One test thread
// uses a harness. KASO_TEST_KEEP=1 keeps the directory (server log, instances' console logs) for a
// post-mortem.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "platform/process.hpp"

namespace kaso::testing {

// A fresh directory /tmp/<prefix>-XXXXXX, removed with everything in it at destruction.
struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(const std::string& prefix = "kaso-it");
  ~temp_dir();
};

// A new stream socket (socket(2) `flags` added, e.g. SOCK_NONBLOCK) connected to the Unix socket
// at `path`; -1 with errno set when it did not connect. The caller closes it.
int connect_unix(const std::filesystem::path& path, int flags = 0);
// Writes `request` on the connected `fd`, then reads until the peer closes (or a read fails);
// returns what was read. The caller closes `fd`.
std::string write_and_read_all(int fd, const std::string& request);

// An HTTP answer: the status (0 when there was none) and the body parsed as JSON.
struct reply {
  int status = 0;
  nlohmann::json body;
  std::string correlation;  // the X-Kaso-Correlation header: the chain the request's events carry
};

class server_harness {
 public:
  // `prefix` names the temporary directory.
  explicit server_harness(const std::string& prefix = "kaso-it");
  ~server_harness();

  // Replaces the configuration file (`root()/kaso.json`, "{}" by default) used by start().
  void write_config(const nlohmann::json& config);
  std::filesystem::path config_file() const { return dir_.path / "kaso.json"; }

  // Sets `name` to `value` in the environment of the servers start() starts from now on.
  void set_env(std::string name, std::string value);

  // Starts kaso-server on `root()` and waits (bounded) until its socket accepts connections.
  void start();
  // SIGTERM and wait for a clean exit; returns the exit status.
  int stop();
  // SIGKILL and reap.
  void kill9();
  pid_t pid() const { return pid_; }

  const std::filesystem::path& root() const { return dir_.path; }
  std::filesystem::path state_path() const { return dir_.path / "state"; }
  std::filesystem::path socket() const { return state_path() / "kaso.sock"; }
  std::string log() const;

  // Runs `kaso --server unix:<socket> args...`, killed after `timeout`.
  platform::process_output kaso(const std::vector<std::string>& args,
                                std::chrono::seconds timeout = std::chrono::seconds(60)) const;
  // kaso ... -o json, parsed; fails the test when the command fails.
  nlohmann::json kaso_json(std::vector<std::string> args,
                           std::chrono::seconds timeout = std::chrono::seconds(60)) const;

  // A raw HTTP client on the socket.
  std::unique_ptr<httplib::Client> http(std::chrono::seconds read_timeout = std::chrono::seconds(30)) const;
  // One HTTP request on the socket (GET, POST, PATCH or DELETE), the body sent as JSON when not
  // null; a status of 0 when there was no answer. Starting or stopping a VM may take a while.
  reply call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr,
             std::chrono::seconds read_timeout = std::chrono::seconds(180)) const;
  // GET that must answer 200.
  nlohmann::json get_json(const std::string& path) const;

 private:
  temp_dir dir_;
  pid_t pid_ = -1;
  std::vector<std::pair<std::string, std::string>> env_;
};

// Sends `sig` to the qemu at `pid`: fails (sending nothing) when pid <= 0 or when the pid runs
// anything but a qemu-system binary. Every test that signals a qemu goes through here (issue #14).
::testing::AssertionResult kill_qemu(pid_t pid, int sig = SIGKILL);
// Sends `sig` to the process `pid` that the test itself started: fails for pid <= 0.
::testing::AssertionResult signal_child(pid_t pid, int sig);
// True when `pid` > 0 and a process with that pid exists.
bool alive(pid_t pid);

// Writes a fresh ed25519 key pair with ssh-keygen; returns the path of the public key.
std::filesystem::path make_ssh_key(const std::filesystem::path& dir, const std::string& name);

}  // namespace kaso::testing
