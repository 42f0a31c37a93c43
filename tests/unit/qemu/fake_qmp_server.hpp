// fake_qmp_server: a scripted QMP peer on a Unix socket, for qmp_client tests.
//
// The socket listens once the constructor returns. A server thread accepts one client, sends the
// greeting (unless empty), answers qmp_capabilities itself, and hands every other request line to
// the script, sending back the lines the script returns. The script runs on the server thread;
// requests() may be called from the test thread. The destructor stops the thread.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace kaso::qemu {

class fake_qmp_server {
 public:
  struct reply {
    std::vector<std::string> lines;  // sent as they are, each followed by "\r\n"
    bool hang_up = false;            // close the connection after sending them
  };
  using script = std::function<reply(const nlohmann::json& request)>;

  static const std::string qemu_greeting;

  fake_qmp_server(std::string path, std::string greeting, script s);
  ~fake_qmp_server();
  fake_qmp_server(const fake_qmp_server&) = delete;
  fake_qmp_server& operator=(const fake_qmp_server&) = delete;

  // Every request received, qmp_capabilities included, in order.
  std::vector<nlohmann::json> requests() const;

  // {"return": value, "id": <the request's id>}
  static std::string return_line(const nlohmann::json& request, const nlohmann::json& value);

 private:
  void run();
  void serve(int connection);

  std::string path_;
  std::string greeting_;
  script script_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<nlohmann::json> requests_;
  std::thread thread_;
};

}  // namespace kaso::qemu
