#include "fake_vm_host.hpp"

#include <stdexcept>

namespace kaso::testing {
namespace {

class fake_machine final : public vm::machine {
 public:
  fake_machine(std::shared_ptr<fake_vm_host::process> p, std::shared_ptr<std::mutex> mu)
      : p_(std::move(p)), mu_(std::move(mu)) {}
  ~fake_machine() override { let_go(); }

  std::int64_t pid() const override { return p_->pid; }
  std::uint64_t start_time() const override { return p_->start_time; }

  status watch(std::function<void(int, int)> on_exit) override {
    std::lock_guard lock(*mu_);
    p_->on_exit = std::move(on_exit);
    return ok_status();
  }
  void let_go() override {
    std::lock_guard lock(*mu_);
    p_->on_exit = nullptr;
  }
  std::string shutdown_reason(std::chrono::milliseconds) override {
    std::lock_guard lock(*mu_);
    return p_->shutdown_reason;
  }
  result<vm::machine_end> stop(std::chrono::milliseconds, bool force) override {
    std::lock_guard lock(*mu_);
    p_->on_exit = nullptr;
    if (!p_->alive) return vm::machine_end{-1, 0, "guest"};
    p_->alive = false;
    if (!force && p_->obeys_acpi) return vm::machine_end{0, 0, "powerdown"};
    return vm::machine_end{0, 0, "quit"};
  }
  result<std::string> human_monitor(const std::string& line) override {
    std::lock_guard lock(*mu_);
    if (!p_->alive) return error::conflict("qemu is not running");
    if (p_->monitor_throws) throw std::runtime_error("the fake monitor throws");
    return line.rfind("hostfwd_remove", 0) == 0 ? std::string("host forwarding rule removed\r\n") : std::string();
  }

 private:
  std::shared_ptr<fake_vm_host::process> p_;
  std::shared_ptr<std::mutex> mu_;
};

}  // namespace

void fake_vm_host::follow(script s) {
  std::lock_guard lock(*mu_);
  script_ = s;
}

result<std::unique_ptr<vm::machine>> fake_vm_host::launch(const vm::machine_launch& l) {
  std::lock_guard lock(*mu_);
  ++launches_;
  last_argv_ = l.argv;
  if (script_.at_start == start::exits_at_once) {
    return error::unavailable("qemu exited with code 1 before QMP answered: qemu-system-x86_64: cannot open disk");
  }
  if (script_.at_start == start::never_answers) return error::timeout("qemu did not answer QMP within 30 s");
  auto p = std::make_shared<process>();
  p->pid = next_pid_++;
  p->start_time = static_cast<std::uint64_t>(p->pid) * 7;
  p->obeys_acpi = script_.obeys_acpi;
  p->monitor_throws = script_.monitor_throws;
  processes_[p->pid] = p;
  return std::unique_ptr<vm::machine>(new fake_machine(p, mu_));
}

result<std::unique_ptr<vm::machine>> fake_vm_host::adopt(std::int64_t pid, std::uint64_t start_time, const std::string&) {
  std::lock_guard lock(*mu_);
  auto it = processes_.find(pid);
  if (it == processes_.end() || !it->second->alive || it->second->start_time != start_time) {
    return error::not_found("process " + std::to_string(pid) + " is no longer this instance's qemu");
  }
  ++adoptions_;
  return std::unique_ptr<vm::machine>(new fake_machine(it->second, mu_));
}

bool fake_vm_host::end(std::int64_t pid, int code, int signal, std::string reason) {
  std::function<void(int, int)> on_exit;
  {
    std::lock_guard lock(*mu_);
    auto it = processes_.find(pid);
    if (it == processes_.end() || !it->second->alive) return false;
    it->second->alive = false;
    it->second->shutdown_reason = std::move(reason);
    on_exit = std::move(it->second->on_exit);
    it->second->on_exit = nullptr;
  }
  if (on_exit) on_exit(code, signal);
  return true;
}

bool fake_vm_host::crash(std::int64_t pid, int signal) { return end(pid, -1, signal, ""); }

bool fake_vm_host::power_off(std::int64_t pid) { return end(pid, 0, 0, "guest-shutdown"); }

std::vector<std::int64_t> fake_vm_host::running() const {
  std::lock_guard lock(*mu_);
  std::vector<std::int64_t> out;
  for (const auto& [pid, p] : processes_) {
    if (p->alive) out.push_back(pid);
  }
  return out;
}

std::size_t fake_vm_host::launches() const {
  std::lock_guard lock(*mu_);
  return launches_;
}

std::vector<std::string> fake_vm_host::last_argv() const {
  std::lock_guard lock(*mu_);
  return last_argv_;
}

std::size_t fake_vm_host::adoptions() const {
  std::lock_guard lock(*mu_);
  return adoptions_;
}

}  // namespace kaso::testing
