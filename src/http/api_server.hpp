// The management API's listeners: a Unix domain socket (always) and a loopback TCP listener (only
// when configured). Each listener serves the same route table in its own thread with a thread
// pool large enough for long-lived streams. Construct, listen, stop; `stop()` is idempotent and is
// called by the destructor. Not thread-safe itself: one owner (the server's main thread).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "http/api_context.hpp"
#include "util/error.hpp"

namespace kaso::http {

class api_server {
 public:
  explicit api_server(api_context ctx);
  ~api_server();
  api_server(const api_server&) = delete;
  api_server& operator=(const api_server&) = delete;

  // Binds `socket` (a stale socket file left by a dead server is replaced) and serves in a
  // thread. The socket's permissions come from the process umask and its directory's mode, set
  // before this call: the file is never chmod-ed after it accepts connections.
  // `group` non-empty: members of that group may connect too (socket 0770, its directory 0710,
  // both of that group); the owning user must be a member.
  status listen_unix(const std::filesystem::path& socket, const std::string& group = "");

  // Binds host:port and serves in a thread. Every request must carry `Authorization: Bearer
  // <token>`; a missing or wrong token is answered 401 before any route runs.
  // REQUIRES: token is not empty.
  status listen_tcp(const std::string& host, int port, const std::string& token);

  void stop();

 private:
  struct listener;
  void start(listener& l);
  api_context ctx_;
  std::vector<std::unique_ptr<listener>> listeners_;
};

}  // namespace kaso::http
