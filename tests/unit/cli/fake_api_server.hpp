// fake_api_server: a working stand-in for kaso-server's HTTP API, for CLI tests. It listens on a
// Unix socket in its own temporary directory (or on 127.0.0.1, for the http:// transport), beside
// a configuration file holding `{}` (all defaults) for `kaso -c`,
// answers each `METHOD target` with a canned status and JSON body, and records every request it
// receives (method, target with query, body, headers). A request without a canned answer gets
// 404 with the API's error shape. The server runs on its own thread and is listening when the
// constructor returns, until destruction; answer() and requests() may be called from the test
// thread at any time.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace kaso::cli::testing {

struct recorded_request {
  std::string method;
  std::string target;  // path and query, as sent
  std::string body;
  httplib::Headers headers;

  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// The body of the API's error answers: {"error": {"code": CODE, "message": MESSAGE}}.
inline nlohmann::json api_error(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

// A fresh directory under /tmp, removed with everything in it on destruction.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class fake_api_server {
 public:
  enum class transport { unix_socket, tcp };

  explicit fake_api_server(transport how = transport::unix_socket);
  ~fake_api_server();
  fake_api_server(const fake_api_server&) = delete;
  fake_api_server& operator=(const fake_api_server&) = delete;

  // Answers `method target` (e.g. "GET", "/api/v1/identities") with `status` and `body`.
  void answer(const std::string& method, const std::string& target, int status,
              const nlohmann::json& body);
  // Same, with a body that is sent as is (not JSON).
  void answer_text(const std::string& method, const std::string& target, int status,
                   std::string body);

  std::vector<recorded_request> requests() const;

  // What --server takes: "unix:/tmp/kaso-cli-XXXXXX/kaso.sock" or "http://127.0.0.1:PORT".
  std::string address() const { return address_; }
  // The temporary directory: the socket, and room for a test's files.
  const std::filesystem::path& dir() const { return dir_.path(); }
  // dir()/kaso.json, holding `{}`.
  std::filesystem::path config_file() const { return dir() / "kaso.json"; }

 private:
  void handle(const httplib::Request& req, httplib::Response& res);

  temp_dir dir_;
  std::string address_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::pair<int, std::string>> answers_;
  std::vector<recorded_request> requests_;
  httplib::Server server_;
  std::atomic<bool> listen_returned_{false};
  std::thread thread_;
};

}  // namespace kaso::cli::testing
