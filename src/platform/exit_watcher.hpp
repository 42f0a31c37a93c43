// exit_watcher: notices the end of a process the moment it happens and reports it once through a
// callback, for an owner (the instance actor) that must not block waiting for it.
//
// One thread per watcher blocks in poll() on the process's pidfd and on an eventfd. When the
// process ends, the thread reaps it (if it is our child), calls the callback once with the status,
// and finishes. stop() (and the destructor) wakes the thread through the eventfd and joins it
// without calling the callback; after stop() returns the callback is never called again, and
// release() hands the process_handle back (with its status, if the end was seen) so that the
// ownership can move on, e.g. to platform::wait_exit or qemu::stop.
//
// Thread safety: the callback runs on the watcher's thread; it must be quick (post a message),
// must not throw, and must not call stop(), release() or destroy the watcher (stop would join its
// own thread). If the
// process ends while stop() runs, either the callback has run to its end before stop() returns or
// it never runs. start(), stop(), release() and the destructor belong to the one owner thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "platform/child_process.hpp"
#include "platform/unique_fd.hpp"
#include "util/error.hpp"

namespace kaso::platform {

class exit_watcher {
 public:
  using callback = std::function<void(exit_status)>;

  // Starts watching `process` (which must be valid). On success the watcher owns it; on error
  // (eventfd or thread creation failed: io_error) `process` is left untouched with the caller.
  static result<std::unique_ptr<exit_watcher>> start(process_handle&& process, callback on_exit);

  exit_watcher(const exit_watcher&) = delete;
  exit_watcher& operator=(const exit_watcher&) = delete;
  ~exit_watcher();

  // Wakes and joins the thread; the callback is not called from here on. Idempotent.
  void stop();
  // True once the callback has been called (it ran to its end, or is running now).
  bool fired() const { return fired_.load(); }
  // REQUIRES: stop() was called. The process handle, moved out; its ended() holds the status if
  // the watcher saw the end. The watcher is empty afterwards.
  process_handle release();

 private:
  exit_watcher(unique_fd wake, callback on_exit);
  void run();

  process_handle process_;
  unique_fd wake_;  // eventfd: written by stop()
  callback on_exit_;
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

}  // namespace kaso::platform
