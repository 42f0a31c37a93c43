// Test harness: a real kaso-server in a temporary directory, the real kaso CLI against it, and a
// raw HTTP client on its Unix socket. The server is a direct child of the test; the destructor
// kills it if the test did not stop it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "platform/process.hpp"

namespace kaso::testing {

struct temp_dir {
  std::filesystem::path path;
  temp_dir();
  ~temp_dir();
};

class server_harness {
 public:
  server_harness();
  ~server_harness();

  // Replaces the configuration file (`root()/kaso.json`, "{}" by default) used by start().
  void write_config(const nlohmann::json& config);
  std::filesystem::path config_file() const { return dir_.path / "kaso.json"; }

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

  // Runs `kaso --server unix:<socket> args...`.
  platform::process_output kaso(const std::vector<std::string>& args) const;
  // kaso ... -o json, parsed; fails the test when the command fails.
  nlohmann::json kaso_json(std::vector<std::string> args) const;

  // A raw HTTP client on the socket.
  std::unique_ptr<httplib::Client> http() const;
  nlohmann::json get_json(const std::string& path) const;

 private:
  temp_dir dir_;
  pid_t pid_ = -1;
};

// Writes a fresh ed25519 key pair with ssh-keygen; returns the path of the public key.
std::filesystem::path make_ssh_key(const std::filesystem::path& dir, const std::string& name);

}  // namespace kaso::testing
