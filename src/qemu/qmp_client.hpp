// qmp_client: a small synchronous client for qemu's QMP monitor on a Unix socket.
//
// One client owns one connection (qemu serves one QMP client at a time). Every call blocks the
// calling thread for at most its timeout: each read and write waits with poll() against a
// deadline. Not thread-safe: one owner (the actor or thread that runs the VM) calls it. Movable,
// not copyable; the destructor closes the socket.
//
// Commands carry an "id"; a reply with another id is a late answer to a command that timed out
// and is dropped, so a timeout never shifts later replies. Asynchronous events that arrive while
// waiting are kept (oldest first, at most max_kept_events) for take_events() and wait_event().
//
// Errors:
//   invalid_argument  socket path too long, arguments not an object, unencodable strings
//   not_found         no socket at the path; QMP CommandNotFound / DeviceNotFound
//   unavailable       nobody listens, or qemu closed the connection (then every later call too)
//   timeout           the deadline passed
//   corruption        qemu sent a line that is not a JSON object, or no QMP greeting
//   conflict          QMP DeviceNotActive
//   internal          any other QMP error class (GenericError): the message is "CLASS: desc"
//   io_error          any other socket failure
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "qemu/qmp_reader.hpp"
#include "util/error.hpp"

namespace kaso::qemu {

class qmp_client {
 public:
  static constexpr std::chrono::milliseconds default_timeout{5000};
  static constexpr std::size_t max_kept_events = 1024;  // beyond it the oldest event is dropped

  // Connects, reads the greeting and negotiates capabilities, all within `timeout`. Connects
  // once: a caller waiting for a starting qemu retries on not_found / unavailable.
  static result<qmp_client> connect(const std::string& socket_path,
                                    std::chrono::milliseconds timeout);

  qmp_client(const qmp_client&) = delete;
  qmp_client& operator=(const qmp_client&) = delete;
  qmp_client(qmp_client&& other) noexcept;
  qmp_client& operator=(qmp_client&& other) noexcept;
  ~qmp_client();

  // Runs `command` and returns the reply's "return" member. `arguments` is null or an object.
  result<nlohmann::json> execute(std::string_view command,
                                 const nlohmann::json& arguments = nlohmann::json{},
                                 std::chrono::milliseconds timeout = default_timeout);

  // The first event named `name` (a kept one, or the next to arrive), as the whole message
  // ({"event":..., "data":..., "timestamp":...}). Events of other names are kept.
  result<nlohmann::json> wait_event(std::string_view name, std::chrono::milliseconds timeout);

  // The kept events, oldest first; the client forgets them.
  std::vector<nlohmann::json> take_events();

  // qemu's greeting: {"QMP": {"version": ..., "capabilities": [...]}}.
  const nlohmann::json& greeting() const { return greeting_; }

  // False once qemu closed the connection or it failed; every call then answers unavailable.
  bool connected() const { return fd_ >= 0 && !broken_; }

 private:
  using clock = std::chrono::steady_clock;

  explicit qmp_client(int fd) : fd_(fd) {}

  result<nlohmann::json> execute_until(std::string_view command, const nlohmann::json& arguments,
                                       clock::time_point deadline);
  status send_line(const std::string& line, clock::time_point deadline);
  result<nlohmann::json> read_message(clock::time_point deadline);
  status wait_for(short events, clock::time_point deadline);
  void keep_event(nlohmann::json event);
  error broken(error e);
  void close();

  int fd_ = -1;
  bool broken_ = false;
  std::uint64_t next_id_ = 1;
  qmp_reader reader_;
  std::deque<nlohmann::json> events_;
  nlohmann::json greeting_;
};

}  // namespace kaso::qemu
