// The pump: one poll() loop over the console and, until it ends, the input.
#include "cli/instance/console_pump.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "cli/instance/errno_error.hpp"

namespace kaso::cli::instance {
namespace {

constexpr std::size_t chunk = 4096;

// Waits until `fd` takes more bytes (for a descriptor left non-blocking by someone else).
int wait_writable(int fd) {
  pollfd p{fd, POLLOUT, 0};
  while (::poll(&p, 1, -1) < 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

// Writes all of `data` to `fd` (send() for a socket); 0 or the errno that stopped it.
int write_all(int fd, const char* data, std::size_t size, bool socket) {
  while (size > 0) {
    ssize_t n = socket ? ::send(fd, data, size, MSG_NOSIGNAL) : ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return errno;
      if (int e = wait_writable(fd); e != 0) return e;
      continue;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

// A read that is interrupted or finds nothing yet; the loop polls again.
bool try_again(int e) { return e == EINTR || e == EAGAIN || e == EWOULDBLOCK; }
// The console's end went away: qemu exited or closed the connection.
bool hung_up(int e) { return e == EPIPE || e == ECONNRESET; }

class pump {
 public:
  explicit pump(const pump_fds& fds) : fds_(fds) {}

  result<pump_end> run(std::chrono::milliseconds idle) {
    while (true) {
      pollfd polled[2] = {{fds_.console, POLLIN, 0}, {input_open_ ? fds_.input : -1, POLLIN, 0}};
      int ready = ::poll(polled, 2, input_open_ ? -1 : static_cast<int>(idle.count()));
      if (ready < 0) {
        if (errno == EINTR) continue;
        return errno_error("cannot wait for the console", errno);
      }
      if (ready == 0) return pump_end::quiet;
      if (polled[0].revents != 0) {
        auto from_console = copy_out();
        if (!from_console || from_console->has_value()) return unwrap(from_console);
      }
      if (input_open_ && polled[1].revents != 0) {
        auto from_input = copy_in(polled[1].revents);
        if (!from_input || from_input->has_value()) return unwrap(from_input);
      }
    }
  }

 private:
  // An ending, or nothing to go on with.
  using step = result<std::optional<pump_end>>;

  static result<pump_end> unwrap(const step& s) {
    if (!s) return s.error();
    return **s;
  }

  // Console -> output.
  step copy_out() {
    char buffer[chunk];
    ssize_t n = ::read(fds_.console, buffer, sizeof buffer);
    if (n < 0 && try_again(errno)) return std::optional<pump_end>();
    if (n < 0 && hung_up(errno)) return std::optional<pump_end>(pump_end::closed);
    if (n < 0) return errno_error("cannot read from the console", errno);
    if (n == 0) return std::optional<pump_end>(pump_end::closed);
    if (int e = write_all(fds_.output, buffer, static_cast<std::size_t>(n), false); e != 0) {
      return errno_error("cannot write the console's output", e);
    }
    return std::optional<pump_end>();
  }

  // Input -> console, up to the escape byte.
  step copy_in(short revents) {
    if (revents & POLLNVAL) {  // no input at all (a closed stdin): as if it ended
      input_open_ = false;
      return std::optional<pump_end>();
    }
    char buffer[chunk];
    ssize_t n = ::read(fds_.input, buffer, sizeof buffer);
    if (n < 0 && try_again(errno)) return std::optional<pump_end>();
    if (n < 0) return errno_error("cannot read the input", errno);
    if (n == 0) {
      input_open_ = false;
      return std::optional<pump_end>();
    }
    auto size = static_cast<std::size_t>(n);
    auto* escape = static_cast<const char*>(std::memchr(buffer, console_escape, size));
    if (escape != nullptr) size = static_cast<std::size_t>(escape - buffer);
    if (int e = write_all(fds_.console, buffer, size, true); e != 0) {
      if (hung_up(e)) return std::optional<pump_end>(pump_end::closed);
      return errno_error("cannot write to the console", e);
    }
    if (escape != nullptr) return std::optional<pump_end>(pump_end::escaped);
    return std::optional<pump_end>();
  }

  pump_fds fds_;
  bool input_open_ = true;
};

}  // namespace

result<pump_end> pump_console(const pump_fds& fds, std::chrono::milliseconds idle) {
  return pump(fds).run(idle);
}

}  // namespace kaso::cli::instance
