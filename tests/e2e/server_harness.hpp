// Test harness for the end-to-end tests: a real kaso-server in a temporary directory, the real
// kaso CLI against it, and a raw HTTP client on its Unix socket. Adapted from
// tests/integration/server_harness.hpp (that one is compiled into the integration binary only);
// here CLI calls take a time bound, since stopping a real guest can take minutes.
// One test thread uses a harness; the server is its direct child, killed by the destructor if the
// test did not stop it.
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

namespace kaso::e2e {

struct temp_dir {
  std::filesystem::path path;
  temp_dir();
  ~temp_dir();
};

// An HTTP answer: the status (0 when there was none) and the body parsed as JSON.
struct reply {
  int status = 0;
  nlohmann::json body;
};

class server_harness {
 public:
  server_harness();
  ~server_harness();

  // Replaces the configuration file ("{}" by default) used by start().
  void write_config(const nlohmann::json& config);
  // Starts kaso-server on `root()` and waits (bounded) until its socket accepts connections.
  void start();
  // SIGTERM and wait for the exit; returns the exit status.
  int stop();

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

  // One HTTP request on the socket; body is sent as JSON when not null.
  reply call(const std::string& method, const std::string& path,
             const nlohmann::json& body = nullptr) const;
  // GET that must answer 200.
  nlohmann::json get_json(const std::string& path) const;

 private:
  std::unique_ptr<httplib::Client> http() const;

  temp_dir dir_;
  pid_t pid_ = -1;
};

}  // namespace kaso::e2e
