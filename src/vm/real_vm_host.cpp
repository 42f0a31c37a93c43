// The real host of vm_host.hpp: qemu::launch, platform::adopt, an exit_watcher, qemu::stop.
#include <optional>

#include "platform/child_process.hpp"
#include "platform/exit_watcher.hpp"
#include "qemu/vm_process.hpp"
#include "vm/vm_host.hpp"

namespace kaso::vm {
namespace {

class real_machine final : public machine {
 public:
  real_machine(platform::process_handle process, std::optional<qemu::qmp_client> qmp, std::uint64_t start_time)
      : process_(std::move(process)), qmp_(std::move(qmp)), pid_(process_.pid()), start_time_(start_time) {}
  ~real_machine() override { let_go(); }

  std::int64_t pid() const override { return pid_; }
  std::uint64_t start_time() const override { return start_time_; }

  status watch(std::function<void(int, int)> on_exit) override {
    auto watcher = platform::exit_watcher::start(std::move(process_), [on_exit](platform::exit_status s) {
      on_exit(s.exited ? s.code : -1, s.signal);
    });
    if (!watcher.ok()) return watcher.error();
    watcher_ = std::move(*watcher);
    return ok_status();
  }

  void let_go() override {
    if (watcher_) watcher_->stop();
  }

  std::string shutdown_reason(std::chrono::milliseconds wait) override {
    if (!qmp_) return "";
    auto event = qmp_->wait_event("SHUTDOWN", wait);
    if (!event.ok() || !event->contains("data") || !(*event)["data"].is_object()) return "";
    return (*event)["data"].value("reason", std::string());
  }

  result<machine_end> stop(std::chrono::milliseconds graceful, bool force) override {
    if (watcher_) {
      watcher_->stop();
      bool ended_on_its_own = watcher_->fired();
      process_ = watcher_->release();
      watcher_.reset();
      if (ended_on_its_own && process_.ended()) {
        const auto& s = *process_.ended();
        return machine_end{s.exited ? s.code : -1, s.signal, "guest"};
      }
    }
    auto out = qemu::stop(process_, qmp_ ? &*qmp_ : nullptr, graceful, force);
    if (!out.ok()) return out.error();
    const auto& s = out->status;
    return machine_end{s.exited ? s.code : -1, s.signal, std::string(qemu::to_string(out->ended_by))};
  }

  result<std::string> human_monitor(const std::string& command_line) override {
    if (!qmp_ || !watcher_) return error::conflict("qemu is not running");
    auto out = qmp_->execute("human-monitor-command", {{"command-line", command_line}});
    if (!out.ok()) return out.error();
    return out->is_string() ? out->get<std::string>() : std::string();
  }

 private:
  platform::process_handle process_;
  std::optional<qemu::qmp_client> qmp_;
  std::unique_ptr<platform::exit_watcher> watcher_;
  std::int64_t pid_ = 0;
  std::uint64_t start_time_ = 0;
};

class real_host final : public vm_host {
 public:
  result<std::unique_ptr<machine>> launch(const machine_launch& l) override {
    auto vm = qemu::launch({l.argv, l.qmp_socket, l.log_file, l.timeout});
    if (!vm.ok()) return vm.error();
    auto started = platform::process_start_time(vm->process.pid());
    return std::unique_ptr<machine>(
        new real_machine(std::move(vm->process), std::move(vm->qmp), started.ok() ? *started : 0));
  }

  result<std::unique_ptr<machine>> adopt(std::int64_t pid, std::uint64_t start_time,
                                         const std::string& qmp_socket) override {
    // The pidfd first, then the checks: once they pass, the pidfd is known to hold that process.
    auto process = platform::adopt(static_cast<pid_t>(pid));
    if (!process.ok()) return process.error();
    if (auto ours = qemu::check_adoptable(static_cast<pid_t>(pid), start_time, qmp_socket); !ours.ok()) {
      return error::not_found("process " + std::to_string(pid) + " is no longer this instance's qemu: " +
                              ours.error().message());
    }
    if (platform::poll_exit(*process)) {
      return error::not_found("process " + std::to_string(pid) + " ended while it was being recognised");
    }
    auto qmp = qemu::qmp_client::connect(qmp_socket, std::chrono::seconds(5));
    if (!qmp.ok()) return qmp.error();
    return std::unique_ptr<machine>(new real_machine(std::move(*process), std::move(*qmp), start_time));
  }
};

}  // namespace

std::shared_ptr<vm_host> real_vm_host() { return std::make_shared<real_host>(); }

}  // namespace kaso::vm
