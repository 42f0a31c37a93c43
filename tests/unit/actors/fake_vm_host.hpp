// A scripted qemu for actor tests (issue #18): the VM actor and the instance manager run against
// it as against the real host (vm/vm_host.hpp), with no process, socket or guest. Each launch
// follows the script set last: qemu reaches running, exits at once, or never answers QMP; a
// running one obeys ACPI or ignores it. The test crashes a running one with a signal, or lets its
// guest power off, and the actors hear of it as of a real qemu's end.
//
// Its pids are far above any pid the kernel gives (pid_max is at most 2^22): nothing real can be
// signalled through them. Thread safety: any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vm/vm_host.hpp"

namespace kaso::testing {

class fake_vm_host final : public vm::vm_host {
 public:
  enum class start { runs, exits_at_once, never_answers };
  struct script {
    start at_start = start::runs;
    bool obeys_acpi = true;  // a graceful stop ends it by powerdown; otherwise only quit does
    bool monitor_throws = false;  // a monitor command throws (the VM actor asking it fails)
  };
  static constexpr std::int64_t first_pid = 100'000'000;

  // The script of every launch from now on.
  void follow(script s);
  // Ends the running qemu `pid` as if killed by `signal`. False when it does not run.
  bool crash(std::int64_t pid, int signal);
  // The guest in `pid` powers off: qemu exits with 0 after a SHUTDOWN "guest-shutdown".
  bool power_off(std::int64_t pid);
  // The pids of the fake qemus that run now, oldest first.
  std::vector<std::int64_t> running() const;
  // How many launches were asked for, and the argv of the last.
  std::size_t launches() const;
  std::vector<std::string> last_argv() const;
  // How many running qemus were taken over (adopted).
  std::size_t adoptions() const;

  result<std::unique_ptr<vm::machine>> launch(const vm::machine_launch& l) override;
  result<std::unique_ptr<vm::machine>> adopt(std::int64_t pid, std::uint64_t start_time,
                                             const std::string& qmp_socket) override;

  // One fake qemu, shared by its machine handles and the host.
  struct process {
    std::int64_t pid = 0;
    std::uint64_t start_time = 0;
    bool alive = true;
    bool obeys_acpi = true;
    bool monitor_throws = false;
    std::string shutdown_reason;
    std::function<void(int, int)> on_exit;  // set while watched
  };

 private:
  bool end(std::int64_t pid, int code, int signal, std::string reason);

  std::shared_ptr<std::mutex> mu_ = std::make_shared<std::mutex>();  // shared with the machines, which may outlive the host
  script script_;
  std::map<std::int64_t, std::shared_ptr<process>> processes_;
  std::int64_t next_pid_ = first_pid;
  std::size_t launches_ = 0, adoptions_ = 0;
  std::vector<std::string> last_argv_;
};

}  // namespace kaso::testing
