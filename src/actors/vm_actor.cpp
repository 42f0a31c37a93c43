#include "actors/vm_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "guest/boot_watcher.hpp"
#include "guest/guest_listener.hpp"
#include "platform/exit_watcher.hpp"
#include "qemu/vm_process.hpp"

namespace kaso::actors {
namespace {

struct vm_state {
  std::unique_ptr<guest::guest_listener> listener;
  std::optional<qemu::qmp_client> qmp;
  std::unique_ptr<platform::exit_watcher> watcher;
  std::unique_ptr<guest::boot_watcher> boot;
  static inline const char* name = "vm";
};

using vm_actor_t = caf::stateful_actor<vm_state>;

// Lets go of the guest's doors and watchers (qemu itself is not touched).
void let_go(vm_state& st) {
  if (st.watcher) st.watcher->stop();
  st.boot.reset();
  st.listener.reset();
}

// How long the QMP socket is read, once qemu has ended, for the SHUTDOWN event that says why.
constexpr auto shutdown_event_wait = std::chrono::milliseconds(200);

// Watches `process`: its end reaches this actor (exited_atom with the status), which reports it.
status watch(vm_actor_t* self, platform::process_handle&& process) {
  caf::actor me = caf::actor_cast<caf::actor>(self);
  auto watcher = platform::exit_watcher::start(std::move(process), [me](platform::exit_status s) {
    caf::anon_send(me, exited_atom_v, s.exited ? s.code : -1, s.signal);
  });
  if (!watcher.ok()) return watcher.error();
  self->state.watcher = std::move(*watcher);
  return ok_status();
}

// qemu ended on its own: tells the manager how (the exit status, and the reason of qemu's last
// SHUTDOWN event, still readable on the closed QMP socket), then ends.
void report_end(vm_actor_t* self, caf::actor manager, std::uint64_t id, int code, int signal) {
  auto& st = self->state;
  let_go(st);
  std::string shutdown_reason;
  if (st.qmp) {
    auto event = st.qmp->wait_event("SHUTDOWN", shutdown_event_wait);
    if (event.ok() && event->contains("data") && (*event)["data"].is_object()) {
      shutdown_reason = (*event)["data"].value("reason", std::string());
    }
  }
  self->send(manager, exited_atom_v, id, code, signal, shutdown_reason);
  self->quit();
}

// The console log's size: where this boot's output will begin.
std::uint64_t console_size(const vm_launch& l) {
  std::error_code ec;
  auto size = l.console_log.empty() ? 0 : std::filesystem::file_size(l.console_log, ec);
  return ec ? 0 : size;
}

// Follows this boot from the host: stages and readiness go to the manager. `console_offset`: the
// console log's size before this boot wrote to it.
std::unique_ptr<guest::boot_watcher> watch_boot(const vm_launch& l, caf::actor manager, std::uint64_t console_offset) {
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

result<std::unique_ptr<guest::guest_listener>> start_listener(const vm_launch& l, caf::actor manager) {
  if (l.guest_socket.empty()) return std::unique_ptr<guest::guest_listener>{};
  auto id = l.instance_id;
  guest::guest_callbacks cb;
  cb.on_phone_home = [manager, id](domain::phone_home_report r) {
    caf::anon_send(manager, phone_home_atom_v, id, std::move(r));
  };
  cb.on_ip = [manager, id](std::string ip) { caf::anon_send(manager, ip_atom_v, id, std::move(ip)); };
  return guest::guest_listener::start(l.guest_socket, l.seed_dir, std::move(cb));
}

caf::result<std::int64_t, std::uint64_t> start(vm_actor_t* self, caf::actor manager, const vm_launch& l) {
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
  qemu::launch_options o{l.argv, l.qmp_socket, l.log_file, l.timeout};
  auto vm = qemu::launch(o);
  if (!vm.ok()) {
    self->quit();
    return to_caf(vm.error());
  }
  auto pid = vm->process.pid();
  auto started = platform::process_start_time(pid);
  st.listener = std::move(*listener);
  // Started once qemu runs: its first report (a period from now) reaches the manager after this
  // answer, so after instance.started is decided.
  st.boot = watch_boot(l, manager, console_offset);
  st.qmp.emplace(std::move(vm->qmp));
  if (auto w = watch(self, std::move(vm->process)); !w.ok()) {
    (void)qemu::stop(vm->process, &*st.qmp, std::chrono::milliseconds(0), true);
    self->quit();
    return to_caf(w.error());
  }
  return {static_cast<std::int64_t>(pid), started.ok() ? *started : std::uint64_t{0}};
}

// A qemu started by an earlier server: the same process (pid and start time), watched again.
caf::result<bool> adopt(vm_actor_t* self, caf::actor manager, const vm_launch& l, std::int64_t pid,
                        std::uint64_t start_time) {
  auto& st = self->state;
  auto fail = [self](const error& e) {
    self->quit();
    return to_caf(e);
  };
  // The pidfd first, then the checks: once they pass, the pidfd is known to hold that process.
  auto process = platform::adopt(static_cast<pid_t>(pid));
  if (!process.ok()) return fail(process.error());
  if (auto ours = qemu::check_adoptable(static_cast<pid_t>(pid), start_time, l.qmp_socket); !ours.ok()) {
    return fail(error::not_found("process " + std::to_string(pid) + " is no longer this instance's qemu: " +
                                 ours.error().message()));
  }
  if (platform::poll_exit(*process)) {
    return fail(error::not_found("process " + std::to_string(pid) + " ended while it was being recognised"));
  }
  auto qmp = qemu::qmp_client::connect(l.qmp_socket, std::chrono::seconds(5));
  if (!qmp.ok()) return fail(qmp.error());
  auto listener = start_listener(l, manager);
  if (!listener.ok()) return fail(listener.error());
  st.listener = std::move(*listener);
  st.boot = watch_boot(l, manager, console_size(l));
  st.qmp.emplace(std::move(*qmp));
  if (auto w = watch(self, std::move(*process)); !w.ok()) return fail(w.error());
  return true;
}

caf::result<int, int, std::string> stop(vm_actor_t* self, std::uint32_t graceful_ms, bool force) {
  auto& st = self->state;
  if (!st.watcher) return to_caf(error::conflict("qemu is not running"));
  st.watcher->stop();
  bool ended_on_its_own = st.watcher->fired();
  auto process = st.watcher->release();
  st.watcher.reset();
  // The guest's door closes (and its socket goes) before the answer, so that whoever acts on the
  // answer (remove) finds no file of ours still changing in the instance directory.
  st.boot.reset();
  st.listener.reset();
  self->quit();
  if (ended_on_its_own && process.ended()) {
    const auto& s = *process.ended();
    return {s.exited ? s.code : -1, s.signal, std::string("guest")};
  }
  auto out = qemu::stop(process, st.qmp ? &*st.qmp : nullptr, std::chrono::milliseconds(graceful_ms), force);
  if (!out.ok()) return to_caf(out.error());
  const auto& s = out->status;
  return {s.exited ? s.code : -1, s.signal, std::string(qemu::to_string(out->ended_by))};
}

// hostfwd_add/hostfwd_remove through QMP's human-monitor-command (HMP's answer is text).
caf::result<bool> change_forward(vm_actor_t* self, bool add, const std::string& rule) {
  auto& st = self->state;
  if (!st.qmp || !st.watcher) return to_caf(error::conflict("qemu is not running"));
  auto line = std::string(add ? "hostfwd_add " : "hostfwd_remove ") + rule;
  auto out = st.qmp->execute("human-monitor-command", {{"command-line", line}});
  if (!out.ok()) return to_caf(out.error());
  // hostfwd_add prints nothing when it did it; hostfwd_remove says "... removed" or "... not found".
  auto said = out->is_string() ? out->get<std::string>() : std::string();
  bool done = add ? said.empty() : said.find(" removed") != std::string::npos;
  if (!done) {
    auto why = said;
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
    return to_caf(error::conflict("qemu: " + why));
  }
  return true;
}

caf::behavior vm_actor(vm_actor_t* self, caf::actor manager, vm_launch launch) {
  // A manager that fails is started again by the supervisor and adopts qemu anew: this actor then
  // lets go of it (qemu keeps running) and ends.
  self->monitor(manager);
  self->set_down_handler([self](const caf::down_msg&) {
    let_go(self->state);
    self->quit();
  });
  return {
      [=](start_atom) { return start(self, manager, launch); },
      [=](adopt_atom, std::int64_t pid, std::uint64_t start_time) { return adopt(self, manager, launch, pid, start_time); },
      [=](stop_atom, std::uint32_t graceful_ms, bool force) { return stop(self, graceful_ms, force); },
      [=](exited_atom, int code, int signal) { report_end(self, manager, launch.instance_id, code, signal); },
      [=](forward_atom, bool add, const std::string& rule) { return change_forward(self, add, rule); },
  };
}

}  // namespace

caf::actor spawn_vm_actor(caf::actor_system& sys, caf::actor manager, vm_launch launch) {
  return sys.spawn<caf::detached>(vm_actor, std::move(manager), std::move(launch));
}

}  // namespace kaso::actors
