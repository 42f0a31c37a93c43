// qmp_client: see qmp_client.hpp. The only file in src/qemu that talks to a socket; errno values
// become kaso errors in from_errno and nowhere else.
#include "qemu/qmp_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <system_error>
#include <utility>

namespace kaso::qemu {
namespace {

// Linux refuses SIGPIPE per call; macOS per socket (SO_NOSIGPIPE, set in open_socket).
#ifdef MSG_NOSIGNAL
constexpr int send_flags = MSG_NOSIGNAL;
#else
constexpr int send_flags = 0;
#endif

error from_errno(std::string_view what, int err) {
  std::string message = std::string{what} + ": " + std::generic_category().message(err);
  if (err == ENOENT) {
    return error::not_found(message);
  }
  if (err == ECONNREFUSED || err == EAGAIN || err == EWOULDBLOCK || err == EPIPE ||
      err == ECONNRESET) {
    return error::unavailable(message);
  }
  if (err == EACCES || err == EPERM) {
    return error::permission_denied(message);
  }
  return error::io_error(message);
}

error with_context(const std::string& context, const error& e) {
  return error{e.code(), context + ": " + e.message()};
}

// A non-blocking, close-on-exec stream socket (qemu children must not inherit it).
result<int> open_socket() {
#ifdef SOCK_CLOEXEC
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
#else
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
#endif
  if (fd < 0) {
    return from_errno("socket", errno);
  }
  int flags = ::fcntl(fd, F_GETFL);
  bool ok = ::fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && flags >= 0 &&
            ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
#ifdef SO_NOSIGPIPE
  int one = 1;
  ok = ok && ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one) == 0;
#endif
  if (!ok) {
    int err = errno;
    ::close(fd);
    return from_errno("configure socket", err);
  }
  return fd;
}

int poll_timeout_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = deadline - std::chrono::steady_clock::now();
  if (left <= decltype(left)::zero()) {
    return 0;
  }
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

std::string string_member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// {"class": "GenericError", "desc": "..."} -> an error whose code follows the class.
error qmp_error(const nlohmann::json& body) {
  std::string cls = string_member(body, "class");
  std::string message = (cls.empty() ? "QMP error" : cls) + ": " + string_member(body, "desc");
  if (cls == "CommandNotFound" || cls == "DeviceNotFound") {
    return error::not_found(message);
  }
  if (cls == "DeviceNotActive") {
    return error::conflict(message);
  }
  return error::internal(message);
}

}  // namespace

result<qmp_client> qmp_client::connect(const std::string& socket_path,
                                       std::chrono::milliseconds timeout) {
  clock::time_point deadline = clock::now() + timeout;
  std::string context = "qmp connect " + socket_path;
  sockaddr_un addr{};
  if (socket_path.empty() || socket_path.size() >= sizeof addr.sun_path ||
      socket_path.find('\0') != std::string::npos) {
    return error::invalid_argument(context + ": not a usable Unix socket path");
  }
  result<int> fd = open_socket();
  if (!fd) {
    return with_context(context, fd.error());
  }
  qmp_client client{*fd};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  if (::connect(client.fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS && errno != EINTR) {
      return from_errno(context, errno);
    }
    if (status s = client.wait_for(POLLOUT, deadline); !s) {
      return with_context(context, s.error());
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (::getsockopt(client.fd_, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) {
      return from_errno(context, errno);
    }
    if (so_error != 0) {
      return from_errno(context, so_error);
    }
  }
  result<nlohmann::json> greeting = client.read_message(deadline);
  if (!greeting) {
    return with_context(context + ": greeting", greeting.error());
  }
  if (!greeting->contains("QMP")) {
    return error::corruption(context + ": the peer did not greet with QMP");
  }
  client.greeting_ = std::move(*greeting);
  if (result<nlohmann::json> r = client.execute_until("qmp_capabilities", {}, deadline); !r) {
    return r.error();
  }
  return result<qmp_client>{std::move(client)};
}

qmp_client::qmp_client(qmp_client&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      broken_(other.broken_),
      next_id_(other.next_id_),
      reader_(std::move(other.reader_)),
      events_(std::move(other.events_)),
      greeting_(std::move(other.greeting_)) {}

qmp_client& qmp_client::operator=(qmp_client&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    broken_ = other.broken_;
    next_id_ = other.next_id_;
    reader_ = std::move(other.reader_);
    events_ = std::move(other.events_);
    greeting_ = std::move(other.greeting_);
  }
  return *this;
}

qmp_client::~qmp_client() { close(); }

void qmp_client::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

error qmp_client::broken(error e) {
  broken_ = true;
  close();
  return e;
}

result<nlohmann::json> qmp_client::execute(std::string_view command,
                                           const nlohmann::json& arguments,
                                           std::chrono::milliseconds timeout) {
  return execute_until(command, arguments, clock::now() + timeout);
}

result<nlohmann::json> qmp_client::execute_until(std::string_view command,
                                                 const nlohmann::json& arguments,
                                                 clock::time_point deadline) {
  std::string context = "qmp " + std::string{command};
  if (!arguments.is_null() && !arguments.is_object()) {
    return error::invalid_argument(context + ": arguments must be an object");
  }
  std::uint64_t id = next_id_++;
  std::string line;
  try {
    nlohmann::json request = {{"execute", std::string{command}}, {"id", id}};
    if (arguments.is_object() && !arguments.empty()) {
      request["arguments"] = arguments;
    }
    line = request.dump() + "\n";
  } catch (const std::exception& e) {  // invalid UTF-8 in a string
    return error::invalid_argument(context + ": cannot encode the request: " + e.what());
  }
  if (status s = send_line(line, deadline); !s) {
    return with_context(context, s.error());
  }
  for (;;) {
    result<nlohmann::json> message = read_message(deadline);
    if (!message) {
      return with_context(context, message.error());
    }
    if (message->contains("event")) {
      keep_event(std::move(*message));
      continue;
    }
    auto reply_id = message->find("id");
    if (reply_id != message->end() && *reply_id != id) {
      continue;  // the late reply to a command that timed out
    }
    if (auto ret = message->find("return"); ret != message->end()) {
      return std::move(*ret);
    }
    if (auto err = message->find("error"); err != message->end()) {
      return with_context(context, qmp_error(*err));
    }
    // Neither reply nor event (a second greeting?): not ours to interpret.
  }
}

result<nlohmann::json> qmp_client::wait_event(std::string_view name,
                                              std::chrono::milliseconds timeout) {
  for (auto it = events_.begin(); it != events_.end(); ++it) {
    if (string_member(*it, "event") == name) {
      nlohmann::json event = std::move(*it);
      events_.erase(it);
      return event;
    }
  }
  clock::time_point deadline = clock::now() + timeout;
  for (;;) {
    result<nlohmann::json> message = read_message(deadline);
    if (!message) {
      return with_context("qmp wait for " + std::string{name}, message.error());
    }
    if (!message->contains("event")) {
      continue;  // a late reply: nobody waits for it any more
    }
    if (string_member(*message, "event") == name) {
      return message;
    }
    keep_event(std::move(*message));
  }
}

std::vector<nlohmann::json> qmp_client::take_events() {
  std::vector<nlohmann::json> events{std::make_move_iterator(events_.begin()),
                                     std::make_move_iterator(events_.end())};
  events_.clear();
  return events;
}

void qmp_client::keep_event(nlohmann::json event) {
  events_.push_back(std::move(event));
  if (events_.size() > max_kept_events) {
    events_.pop_front();
  }
}

status qmp_client::wait_for(short events, clock::time_point deadline) {
  for (;;) {
    pollfd p{fd_, events, 0};
    int n = ::poll(&p, 1, poll_timeout_ms(deadline));
    if (n > 0) {
      return ok_status();  // readable, writable, or hung up: the next read/send tells which
    }
    if (n == 0) {
      return error::timeout("qemu did not answer in time");
    }
    if (errno != EINTR) {
      return broken(from_errno("poll", errno));
    }
  }
}

status qmp_client::send_line(const std::string& line, clock::time_point deadline) {
  std::string_view rest = line;
  while (!rest.empty()) {
    if (!connected()) {
      return error::unavailable("the connection to qemu is closed");
    }
    ssize_t n = ::send(fd_, rest.data(), rest.size(), send_flags);
    if (n >= 0) {
      rest.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return broken(from_errno("send", errno));
    }
    if (status s = wait_for(POLLOUT, deadline); !s) {
      // Half a command in the stream would garble the next one: give up on the connection.
      return rest.size() < line.size() ? broken(s.error()) : s.error();
    }
  }
  return ok_status();
}

result<nlohmann::json> qmp_client::read_message(clock::time_point deadline) {
  std::array<char, 16384> buffer{};
  for (;;) {
    if (std::optional<result<nlohmann::json>> message = reader_.next()) {
      return std::move(*message);
    }
    if (!connected()) {
      return error::unavailable("the connection to qemu is closed");
    }
    if (status s = wait_for(POLLIN, deadline); !s) {
      return s.error();
    }
    ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n > 0) {
      reader_.feed(std::string_view{buffer.data(), static_cast<std::size_t>(n)});
    } else if (n == 0) {
      return broken(error::unavailable("qemu closed the connection"));
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return broken(from_errno("read", errno));
    }
  }
}

}  // namespace kaso::qemu
