#include "actors/vm_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/messages.hpp"
#include "guest/boot_watcher.hpp"
#include "guest/guest_listener.hpp"
#include "vm/vm_host.hpp"

namespace kaso::actors {
namespace {

struct vm_state {
  std::shared_ptr<vm::vm_host> host;
  std::unique_ptr<vm::machine> qemu;
  std::unique_ptr<guest::guest_listener> listener;
  std::unique_ptr<guest::boot_watcher> boot;
  static inline const char* name = "vm";
};

using vm_actor_t = vm_actor_handle::stateful_pointer<vm_state>;
using vm_behavior = vm_actor_handle::behavior_type;

// Lets go of the guest's doors and watchers (qemu itself is not touched).
void let_go(vm_state& st) {
  if (st.qemu) st.qemu->let_go();
  st.boot.reset();
  st.listener.reset();
}

// How long the QMP socket is read, once qemu has ended, for the SHUTDOWN event that says why.
constexpr auto shutdown_event_wait = std::chrono::milliseconds(200);

// Watches the machine: its end reaches this actor (exited_atom with the status), which reports it.
status watch(vm_actor_t self) {
  caf::actor me = caf::actor_cast<caf::actor>(self);
  return self->state.qemu->watch([me](int code, int signal) { caf::anon_send(me, exited_atom_v, code, signal); });
}

// qemu ended on its own: tells the manager how (the exit status, and the reason of qemu's last
// SHUTDOWN event, still readable on the closed QMP socket), then ends.
void report_end(vm_actor_t self, vm_observer_actor manager, std::uint64_t id, int code, int signal) {
  auto& st = self->state;
  let_go(st);
  std::string shutdown_reason = st.qemu ? st.qemu->shutdown_reason(shutdown_event_wait) : std::string();
  caf::anon_send(manager, exited_atom_v, id, code, signal, shutdown_reason);
  self->quit();
}

// qemu.log holds one boot: the previous one's becomes qemu.log.1 (issue #16: a new start showed
// the last boot's abort as if it were its own).
void rotate_qemu_log(const std::string& log) {
  std::error_code ec;
  if (log.empty() || std::filesystem::file_size(log, ec) == 0 || ec) return;
  std::filesystem::rename(log, log + ".1", ec);
  if (ec) spdlog::warn("cannot keep {} as {}.1: {}", log, log, ec.message());
}

// The console log's size: where this boot's output will begin.
std::uint64_t console_size(const vm_launch& l) {
  std::error_code ec;
  auto size = l.console_log.empty() ? 0 : std::filesystem::file_size(l.console_log, ec);
  return ec ? 0 : size;
}

// Follows this boot from the host: stages and readiness go to the manager. `console_offset`: the
// console log's size before this boot wrote to it. Null when there is nothing to follow.
std::unique_ptr<guest::boot_watcher> watch_boot(const vm_launch& l, vm_observer_actor manager, std::uint64_t console_offset) {
  if (l.console_log.empty() && l.ssh_port == 0) return nullptr;  // nothing to watch: no thread
  guest::boot_watch w;
  w.console_log = l.console_log;
  w.console_offset = console_offset;
  w.ssh_port = l.ssh_port;
  auto id = l.instance_id;
  w.on_stage = [manager, id](guest::boot_stage s) {
    caf::anon_send(manager, stage_atom_v, id, std::string(guest::to_string(s)));
  };
  w.on_ready = [manager, id] { caf::anon_send(manager, ready_atom_v, id); };
  return guest::boot_watcher::start(std::move(w));
}

result<std::unique_ptr<guest::guest_listener>> start_listener(const vm_launch& l, vm_observer_actor manager) {
  if (l.guest_socket.empty()) return std::unique_ptr<guest::guest_listener>{};
  auto id = l.instance_id;
  guest::guest_callbacks cb;
  cb.on_phone_home = [manager, id](domain::phone_home_report r) {
    caf::anon_send(manager, phone_home_atom_v, id, std::move(r));
  };
  cb.on_ip = [manager, id](std::string ip) { caf::anon_send(manager, ip_atom_v, id, std::move(ip)); };
  return guest::guest_listener::start(l.guest_socket, l.seed_dir, std::move(cb));
}

caf::result<std::int64_t, std::uint64_t> start(vm_actor_t self, vm_observer_actor manager, const vm_launch& l) {
  auto& st = self->state;
  auto listener = start_listener(l, manager);
  if (!listener.ok()) {
    self->quit();
    return to_caf(listener.error());
  }
  if (!l.console_log.empty()) {
    if (auto b = guest::bound_console_log(l.console_log); !b.ok()) spdlog::warn("{}", b.error().message());
  }
  auto console_offset = console_size(l);
  rotate_qemu_log(l.log_file);
  auto vm = st.host->launch({l.argv, l.qmp_socket, l.log_file, l.timeout});
  if (!vm.ok()) {
    self->quit();
    return to_caf(vm.error());
  }
  st.qemu = std::move(*vm);
  st.listener = std::move(*listener);
  // Started once qemu runs: its first report (a period from now) reaches the manager after this
  // answer, so after instance.started is decided.
  st.boot = watch_boot(l, manager, console_offset);
  if (auto w = watch(self); !w.ok()) {
    (void)st.qemu->stop(std::chrono::milliseconds(0), true);
    st.qemu.reset();
    self->quit();
    return to_caf(w.error());
  }
  return {st.qemu->pid(), st.qemu->start_time()};
}

// A qemu started by an earlier server: the same process (pid and start time), watched again.
caf::result<bool> adopt(vm_actor_t self, vm_observer_actor manager, const vm_launch& l, std::int64_t pid,
                        std::uint64_t start_time) {
  auto& st = self->state;
  auto fail = [self](const error& e) {
    self->quit();
    return to_caf(e);
  };
  auto vm = st.host->adopt(pid, start_time, l.qmp_socket);
  if (!vm.ok()) return fail(vm.error());
  auto listener = start_listener(l, manager);
  if (!listener.ok()) return fail(listener.error());
  st.qemu = std::move(*vm);
  st.listener = std::move(*listener);
  st.boot = watch_boot(l, manager, console_size(l));
  if (auto w = watch(self); !w.ok()) {
    st.qemu.reset();  // not watched: let go of it (it keeps running)
    return fail(w.error());
  }
  return true;
}

caf::result<int, int, std::string> stop(vm_actor_t self, std::uint32_t graceful_ms, bool force) {
  auto& st = self->state;
  if (!st.qemu) return to_caf(error::conflict("qemu is not running"));
  // The guest's door closes (and its socket goes) before the answer, so that whoever acts on the
  // answer (remove) finds no file of ours still changing in the instance directory.
  st.boot.reset();
  st.listener.reset();
  self->quit();
  auto out = st.qemu->stop(std::chrono::milliseconds(graceful_ms), force);
  if (!out.ok()) return to_caf(out.error());
  return {out->exit_code, out->signal, out->ended_by};
}

// hostfwd_add/hostfwd_remove through QMP's human-monitor-command (HMP's answer is text).
caf::result<bool> change_forward(vm_actor_t self, bool add, const std::string& rule) {
  auto& st = self->state;
  if (!st.qemu) return to_caf(error::conflict("qemu is not running"));
  auto said = st.qemu->human_monitor(std::string(add ? "hostfwd_add " : "hostfwd_remove ") + rule);
  if (!said.ok()) return to_caf(said.error());
  // hostfwd_add prints nothing when it did it; hostfwd_remove says "... removed" or "... not found".
  bool done = add ? said->empty() : said->find(" removed") != std::string::npos;
  if (!done) {
    auto why = *said;
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
    return to_caf(error::conflict("qemu: " + why));
  }
  return true;
}

caf::error not_now(const char* what) { return to_caf(error::conflict(what)); }

// qemu runs: it can be stopped, given forwards, and its end is reported.
vm_behavior running(vm_actor_t self, vm_observer_actor manager, vm_launch launch) {
  return {
      [](start_atom) -> caf::result<std::int64_t, std::uint64_t> { return not_now("qemu runs already"); },
      [](adopt_atom, std::int64_t, std::uint64_t) -> caf::result<bool> { return not_now("qemu runs already"); },
      [=](stop_atom, std::uint32_t graceful_ms, bool force) { return stop(self, graceful_ms, force); },
      [=](forward_atom, bool add, const std::string& rule) { return change_forward(self, add, rule); },
      [=](exited_atom, int code, int signal) { report_end(self, manager, launch.instance_id, code, signal); },
  };
}

// No qemu yet: only a start or an adoption, after which the actor runs (or, failing, ends).
vm_behavior waiting(vm_actor_t self, vm_observer_actor manager, vm_launch launch) {
  return {
      [=](start_atom) {
        auto r = start(self, manager, launch);
        if (self->state.qemu) self->become(running(self, manager, launch));
        return r;
      },
      [=](adopt_atom, std::int64_t pid, std::uint64_t start_time) {
        auto r = adopt(self, manager, launch, pid, start_time);
        if (self->state.qemu) self->become(running(self, manager, launch));
        return r;
      },
      [](stop_atom, std::uint32_t, bool) -> caf::result<int, int, std::string> { return not_now("qemu is not running"); },
      [](forward_atom, bool, const std::string&) -> caf::result<bool> { return not_now("qemu is not running"); },
      [](exited_atom, int, int) {},
  };
}

vm_behavior vm_actor(vm_actor_t self, vm_observer_actor manager, vm_launch launch, std::shared_ptr<vm::vm_host> host) {
  self->state.host = std::move(host);
  // A manager that fails is started again by the supervisor and adopts qemu anew: this actor then
  // lets go of it (qemu keeps running) and ends.
  self->monitor(manager);
  self->set_down_handler([self](const caf::down_msg&) {
    let_go(self->state);
    self->quit();
  });
  return waiting(self, std::move(manager), std::move(launch));
}

}  // namespace

vm_actor_handle spawn_vm_actor(caf::actor_system& sys, vm_observer_actor manager, vm_launch launch,
                               std::shared_ptr<vm::vm_host> host) {
  return spawn_blocking(sys, vm_actor, std::move(manager), std::move(launch), std::move(host));
}

}  // namespace kaso::actors
