// Shared by the instance and supervision integration tests: a real kaso-server with a blank
// qcow2 image "blank" and a key identity "alice", instances created through the API on the
// host-only network (user networking with restrict=on), and small helpers around the API.
#pragma once

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "eventually.hpp"
#include "platform/process.hpp"
#include "server_harness.hpp"

namespace kaso::testing {

// One API request on the server's socket; a status of 0 when it got no answer.
inline reply call(const server_harness& s, const std::string& method, const std::string& path,
                  const nlohmann::json& body = nullptr) {
  return s.call(method, path, body);
}

// Runs argv (no shell), failing the test if it cannot be run.
platform::process_output run(const std::vector<std::string>& argv);

// The types of the recorded events of one kind, in order.
std::vector<std::string> event_types(const server_harness& s, const std::string& kind);

// Waits (bounded) for `pred` on the instance's view; fails the test when it never holds.
template <class Pred>
nlohmann::json wait_instance(const server_harness& s, const std::string& name, Pred pred,
                             std::chrono::seconds bound = std::chrono::seconds(30)) {
  nlohmann::json i;
  if (!eventually([&] { return pred(i = s.get_json("/api/v1/instances/" + name)); }, bound)) {
    ADD_FAILURE() << name << " never reached the expected state: " << i.dump();
  }
  return i;
}

struct fixture {
  server_harness s;
  std::filesystem::path image_file;

  // `before_start` may set the server's configuration and environment before it starts.
  explicit fixture(const std::function<void(server_harness&)>& before_start = {});
  // qemu outlives the server by design: a test that failed half-way may leave one; it is killed.
  ~fixture();
  // Registers the image file at `path` as `name` (POST /images with "file") and waits for it.
  void add_image(const std::string& name, const std::filesystem::path& path);
  // POST /instances: `extra` overrides the defaults (image "blank", 64 MB RAM, 128 MiB disk).
  nlohmann::json create(const std::string& name, nlohmann::json extra = nlohmann::json::object(), int expect = 201);
};

}  // namespace kaso::testing
