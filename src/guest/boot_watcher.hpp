// The boot watcher: follows one boot of one instance from the host, without the guest's help, and
// reports how far it has come. Started by the VM actor once qemu runs (or is re-adopted); stopped
// (and joined) when qemu ends or the actor lets go of it.
//
// Every `period` it reads what this boot wrote to the console log (from the size the log had when
// the boot began) for the stage (console_log.hpp), and asks the SSH endpoint for its banner
// (ssh_banner.hpp). Each new stage goes to on_stage; the first banner to on_ready, once, after
// which only the console log's bound is kept (bound_console_log) until stopped.
//
// Thread safety: the callbacks run on the watcher's own thread and must only hand the report on
// (e.g. send a message). start/stop from one owner.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

#include "guest/console_log.hpp"

namespace kaso::guest {

struct boot_watch {
  std::filesystem::path console_log;  // empty: no console to read
  std::uint64_t console_offset = 0;   // where this boot's output begins
  std::uint16_t ssh_port = 0;         // 0: no SSH endpoint on the host; never ready
  std::chrono::milliseconds period{500};
  std::chrono::milliseconds banner_wait{700};
  std::function<void(boot_stage)> on_stage;
  std::function<void()> on_ready;
};

class boot_watcher {
 public:
  static std::unique_ptr<boot_watcher> start(boot_watch watch);
  ~boot_watcher();  // stops and joins
  boot_watcher(const boot_watcher&) = delete;
  boot_watcher& operator=(const boot_watcher&) = delete;

 private:
  struct impl;
  explicit boot_watcher(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace kaso::guest
