#include "guest/boot_watcher.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "guest/ssh_banner.hpp"

namespace kaso::guest {
namespace {

// After ready only the log's bound is kept, this often.
constexpr auto bound_period = std::chrono::seconds(5);
// The most of one boot's console output read for its stage (the markers come early).
constexpr std::uint64_t stage_read_limit = 256 * 1024;

}  // namespace

struct boot_watcher::impl {
  boot_watch watch;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;

  // Waits `d` or until stopped; false when stopped.
  bool sleep(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, d, [this] { return stopping; });
  }

  void run() {
    auto stage = boot_stage::firmware;
    bool ready = false;
    std::uint64_t offset = watch.console_offset;
    auto since_bound = std::chrono::steady_clock::now();
    while (sleep(ready ? bound_period : watch.period)) {
      if (!watch.console_log.empty() && std::chrono::steady_clock::now() - since_bound >= bound_period) {
        since_bound = std::chrono::steady_clock::now();
        auto rotated = bound_console_log(watch.console_log);
        if (!rotated.ok()) spdlog::warn("{}", rotated.error().message());
        if (rotated.ok() && *rotated) offset = 0;
      }
      if (ready) continue;
      if (!watch.console_log.empty() && stage != boot_stage::login_prompt) {
        std::uint64_t end = 0;
        auto text = read_console_from(watch.console_log, offset, stage_read_limit, end);
        auto seen = text.ok() ? stage_of_console(*text) : boot_stage::firmware;
        if (seen > stage) {
          stage = seen;
          if (watch.on_stage) watch.on_stage(stage);
        }
      }
      if (ssh_banner_answers(watch.ssh_port, watch.banner_wait)) {
        ready = true;
        if (watch.on_stage) watch.on_stage(boot_stage::ssh);
        if (watch.on_ready) watch.on_ready();
      }
    }
  }
};

boot_watcher::boot_watcher(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

std::unique_ptr<boot_watcher> boot_watcher::start(boot_watch watch) {
  auto p = std::make_unique<impl>();
  p->watch = std::move(watch);
  auto* raw = p.get();
  p->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<boot_watcher>(new boot_watcher(std::move(p)));
}

boot_watcher::~boot_watcher() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace kaso::guest
