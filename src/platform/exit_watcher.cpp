// exit_watcher: see exit_watcher.hpp. The thread's only blocking call is poll() on two
// descriptors, so stop() wakes it at once whatever the process does.
#include "platform/exit_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>
#include <utility>

#include "platform/posix_error.hpp"

namespace kaso::platform {

result<std::unique_ptr<exit_watcher>> exit_watcher::start(process_handle&& process,
                                                          callback on_exit) {
  if (!process.valid()) return error::invalid_argument("exit_watcher: empty process handle");
  const int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) return posix_error("eventfd", errno);
  unique_fd wake_fd{wake};
  // Not make_unique: the constructor is private.
  std::unique_ptr<exit_watcher> watcher{new exit_watcher{std::move(wake_fd), std::move(on_exit)}};
  watcher->process_ = std::move(process);
  try {
    watcher->thread_ = std::thread{[w = watcher.get()] { w->run(); }};
  } catch (const std::system_error& e) {
    process = std::move(watcher->process_);  // back to the caller, as promised
    return error::io_error(std::string{"exit_watcher: cannot start a thread: "} + e.what());
  }
  return watcher;
}

exit_watcher::exit_watcher(unique_fd wake, callback on_exit)
    : wake_(std::move(wake)), on_exit_(std::move(on_exit)) {}

exit_watcher::~exit_watcher() { stop(); }

void exit_watcher::run() {
  pollfd fds[2] = {{process_.pidfd(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
  for (;;) {
    const int ready = ::poll(fds, 2, -1);
    if (ready < 0 && errno == EINTR) continue;
    // stop(), or a poll failure (EINVAL/ENOMEM: not seen in practice): no callback.
    if (ready < 0 || fds[1].revents != 0) return;
    if (fds[0].revents != 0) break;
  }
  auto status = wait_exit(process_, std::chrono::milliseconds{0});
  if (!status) return;  // the pidfd said "ended": only a failed waitid lands here
  fired_ = true;
  on_exit_(*status);
}

void exit_watcher::stop() {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  while (::write(wake_.get(), &one, sizeof one) < 0 && errno == EINTR) {
  }
  thread_.join();
}

process_handle exit_watcher::release() { return std::move(process_); }

}  // namespace kaso::platform
