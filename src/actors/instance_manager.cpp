#include "actors/instance_manager.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/instance_manager_state.hpp"
#include "actors/vm_actor.hpp"
#include "domain/event_types/instance.hpp"
#include "qemu/accelerator.hpp"
#include "qemu/command_line.hpp"
#include "vm/machine.hpp"
#include "vm/provision.hpp"

namespace kaso::actors {
namespace {

using namespace instances;

// ---- running --------------------------------------------------------------------------------

std::int64_t now_us(manager_actor* self) { return self->state.settings.clock->now_us(); }

// The cause of a chain the server begins on its own (qemu's end, an autostart, a report): a
// fresh correlation id.
events::cause origin(std::string name) {
  events::cause c;
  c.origin = std::move(name);
  c.correlation = events::new_correlation('s');
  return c;
}

// The cause of what follows from the last event `out` stored, within its chain.
events::cause after(const std::vector<events::event>& stored, std::string name) {
  return stored.empty() ? origin(std::move(name)) : events::following(stored.back(), std::move(name));
}

// What a start or stop leads to: an error, or none; and the instance.
using then_fn = std::function<void(std::optional<caf::error>, std::uint64_t id)>;

// Runs qemu for instance `id`, whose instance.starting is durable, in a VM actor of its own, then
// records instance.started (instance.restarted for an automatic restart) or start_failed, caused
// by `next` (following the instance.starting).
void launch(manager_actor* self, std::uint64_t id, vm_launch l, events::cause next, then_fn then) {
  self->state.stages.erase(id);
  auto vm = spawn_vm_actor(self->home_system(), vm_observer_actor{self}, l, self->state.settings.vm_host);
  self->monitor(vm);
  self->state.vms[id] = vm;
  self->request(vm, l.timeout + timeouts::bookkeeping, start_atom_v)
      .then(
          [self, id, then, next](std::int64_t pid, std::uint64_t start_time) {
            spdlog::info("instance {} started, qemu pid {}", id, pid);
            self->state.pipeline->submit_then(self, domain::mark_started{id, pid, start_time}, next,
                                              [then, id](outcome& out) {
                                                then(out.ok() ? std::nullopt : std::optional(caf_error(out.error())), id);
                                              });
          },
          [self, id, then, next](const caf::error& e) {
            self->state.vms.erase(id);
            auto why = from_caf(e);
            // A qemu that died under KVM: say what to do about it (issue #14).
            auto hint = qemu::kvm_start_failure_hint(self->state.settings.platform.accel, why.message());
            if (!hint.empty()) why = error(why.code(), why.message() + "\n" + hint);
            spdlog::warn("instance {} did not start: {}", id, why.message());
            self->state.pipeline->submit_then(self, domain::mark_start_failed{id, why.message(), now_us(self)}, next,
                                              [then, id, e = caf_error(why)](outcome&) { then(e, id); });
          });
}

// How a start came about. A user's start, an autostart and an automatic restart take one path
// (start below); they differ in their cause and in what is decided first.
struct start_reason {
  events::cause cause;           // the request's, "autostart"'s, or the restart's (following restart_scheduled)
  unsigned restart_attempt = 0;  // an automatic restart's attempt; 0: a user's start or an autostart
};

// Starts instance `id`: decides instance.starting (start_instance for a user's start or an
// autostart, begin_restart for an automatic restart), then runs qemu (launch). A user's start that
// cannot be prepared is refused with nothing recorded; a restart that cannot is a start_failed
// (its policy decides what follows); a restart overtaken meanwhile does nothing.
void start(manager_actor* self, std::uint64_t id, start_reason why, then_fn then) {
  auto& pipeline = *self->state.pipeline;
  const auto* i = pipeline.tentative().instances.find(id);
  if (i == nullptr) return then(caf_error(error::not_found("instance " + std::to_string(id) + " does not exist")), id);
  auto prepared = prepared_launch(self, *i);
  auto proceed = [self, id, then, prepared](outcome& out) mutable {
    if (!out.ok()) return then(caf_error(out.error()), id);
    if (out->empty()) return then(std::nullopt, id);
    auto next = after(*out, "supervisor");
    rewrite_vm_script(self, id);  // vm.sh shows this boot's command line (issue #16: e.g. another accelerator)
    if (!prepared.ok()) {
      self->state.pipeline->submit_then(self, domain::mark_start_failed{id, prepared.error().message(), now_us(self)}, next,
                                        [then, id, e = caf_error(prepared.error())](outcome&) { then(e, id); });
      return;
    }
    launch(self, id, std::move(*prepared), next, then);
  };
  if (why.restart_attempt != 0) {
    pipeline.submit_then(self, domain::begin_restart{id, why.restart_attempt}, why.cause, std::move(proceed));
    return;
  }
  if (!prepared.ok()) return then(caf_error(prepared.error()), id);
  // By name: names are unique, and resolved before ids.
  pipeline.submit_then(self, domain::start_instance{i->name}, why.cause, std::move(proceed));
}

// A user's start of the instance `ref` names.
void start(manager_actor* self, const std::string& ref, const events::cause& who, then_fn then) {
  const auto* i = self->state.pipeline->tentative().instances.resolve(ref);
  if (i == nullptr) return then(caf_error(error::not_found("instance '" + ref + "' does not exist")), 0);
  start(self, i->id, start_reason{who}, std::move(then));
}

// When the restart of a `restarting` instance is due, this manager is told (restart_atom), with
// `why`: the cause the restart's events get.
void schedule_restart(manager_actor* self, const domain::instance& i, events::cause why) {
  auto wait_us = std::max<std::int64_t>(0, i.restart_due_us - now_us(self));
  spdlog::info("instance {}: restart {} in {} ms", i.id, i.restart_attempt, wait_us / 1000);
  send_at(*self->state.settings.clock, i.restart_due_us, instance_manager_impl{self}, restart_atom_v, i.id,
          i.restart_attempt, std::move(why));
}

// Stops the instance, then runs `then` (with an error when the stop failed).
void stop(manager_actor* self, const stop_request& req, const events::cause& who, then_fn then) {
  auto& pipeline = *self->state.pipeline;
  const auto* i = pipeline.tentative().instances.resolve(req.ref);
  if (i == nullptr) return then(caf_error(error::not_found("instance '" + req.ref + "' does not exist")), 0);
  auto id = i->id;
  pipeline.submit_then(self, domain::stop_instance{req.ref, req.force, req.timeout_s}, who,
                       [self, id, req, then](outcome& out) mutable {
    if (!out.ok()) return then(caf_error(out.error()), id);
    auto next = after(*out, "server");
    if (out->empty() || out->front().type == domain::instance_restart_cancelled::type) return then(std::nullopt, id);  // no qemu
    auto vm = self->state.vms.find(id);
    if (vm == self->state.vms.end()) {
      // No qemu of ours (it ended meanwhile): nothing left to stop.
      self->state.pipeline->submit_then(self, domain::mark_exited{id, -1, 0, "kill", true}, after(*out, "server"),
                                        [then, id](outcome&) mutable { then(std::nullopt, id); });
      return;
    }
    auto graceful = std::chrono::milliseconds(std::uint64_t{req.timeout_s} * 1000);
    self->request(vm->second, timeouts::stop(std::chrono::seconds(req.timeout_s)), stop_atom_v,
                  static_cast<std::uint32_t>(graceful.count()), req.force)
        .then(
            [self, id, then, next](int code, int signal, std::string& by) mutable {
              self->state.vms.erase(id);
              self->state.pipeline->submit_then(self, domain::mark_exited{id, code, signal, by, true}, next,
                                                [then, id](outcome&) mutable { then(std::nullopt, id); });
            },
            [self, id, then](const caf::error& e) mutable {
              self->state.vms.erase(id);
              const auto* now = self->state.pipeline->tentative().instances.find(id);
              bool ended = now != nullptr && now->state != domain::instance_state::stopping &&
                           now->state != domain::instance_state::running;
              then(ended ? std::nullopt : std::optional<caf::error>(e), id);
            });
  });
}

// Answers a start or stop: its error, or the instance as it now is.
void answer(manager_actor* self, promise_t promise, std::optional<caf::error> e, std::uint64_t id) {
  if (e) {
    promise.deliver(*e);
    return;
  }
  promise.deliver(text(instance_view(self, id)));
}

void remove(manager_actor* self, const remove_instance_request& req, const events::cause& who, promise_t promise) {
  auto& pipeline = *self->state.pipeline;
  const auto* i = pipeline.tentative().instances.resolve(req.ref);
  if (i == nullptr) {
    promise.deliver(caf_error(error::not_found("instance '" + req.ref + "' does not exist")));
    return;
  }
  auto as_was = domain::to_json(*i);
  auto path = i->path;
  pipeline.submit_then(self, domain::remove_instance{req.ref}, who, [self, promise, as_was, path](outcome& out) mutable {
    if (!out.ok()) {
      promise.deliver(caf_error(out.error()));
      return;
    }
    // The directory holds the disk: removed by a worker, answered once gone.
    run_blocking(self, [path] { return vm::remove_instance_files(path); }, [promise, as_was](status s) mutable {
      if (!s.ok()) spdlog::warn("{}", s.error().message());
      promise.deliver(text(nlohmann::json{{"removed", as_was}}));
    });
  });
}

// ---- reports from VM actors -----------------------------------------------------------------

// qemu ended without being asked to: recorded, with what the restart policy makes of it.
void on_exited(manager_actor* self, std::uint64_t id, int code, int signal, std::string shutdown_reason,
               std::string detail = {}) {
  self->state.vms.erase(id);
  self->state.stages.erase(id);
  spdlog::info("instance {}: qemu ended (exit code {}, signal {}, shutdown reason '{}'{})", id, code, signal,
               shutdown_reason, detail.empty() ? "" : ", " + detail);
  domain::mark_exited m{id, code, signal, "", false, std::move(shutdown_reason), std::move(detail), now_us(self)};
  self->state.pipeline->submit_then(self, m, origin("supervisor"), [id](outcome& out) {
    if (!out.ok()) spdlog::warn("instance {}: end not recorded: {}", id, out.error().message());
  });
}

template <class Command>
void record_report(manager_actor* self, const Command& cmd) {
  events::cause guest;
  guest.origin = "guest";
  self->state.pipeline->submit_then(self, cmd, guest, [](outcome& out) {
    if (!out.ok()) spdlog::warn("guest report not recorded: {}", out.error().message());
  });
}

// The qemu of the active instance `i`, started earlier (by an earlier server, or under another VM
// actor), is watched again by a new VM actor: the same process (pid and start time). One that is
// gone is an end nobody asked for (`detail` says how it was noticed), under the restart policy.
void take_over(manager_actor* self, const domain::instance& i, const std::string& detail) {
  auto launch = launch_of(self, i);
  auto vanished = [self, id = i.id, detail](const std::string& why) {
    spdlog::warn("instance {}: its qemu is gone ({})", id, why);
    on_exited(self, id, -1, 0, "", detail);
  };
  if (!launch.ok() || i.pid <= 0) {
    vanished(launch.ok() ? "no pid recorded" : launch.error().message());
    return;
  }
  auto vm = spawn_vm_actor(self->home_system(), vm_observer_actor{self}, *launch, self->state.settings.vm_host);
  self->monitor(vm);
  self->state.vms[i.id] = vm;
  self->request(vm, timeouts::adopt, adopt_atom_v, i.pid, i.start_time)
      .then([id = i.id, pid = i.pid](bool) { spdlog::info("instance {}: qemu pid {} re-adopted", id, pid); },
            [vanished](const caf::error& e) { vanished(from_caf(e).message()); });
}

// A VM actor ended while this manager still counted on it (it failed: its handlers, not qemu):
// the qemu it watched is taken over by a new one, or is an end under the restart policy if it is
// gone. A VM actor that ends as asked (stop, qemu's end, a failed start) was forgotten before.
void on_vm_down(manager_actor* self, const caf::down_msg& down) {
  auto& vms = self->state.vms;
  auto it = std::find_if(vms.begin(), vms.end(), [&](const auto& v) { return v.second.address() == down.source; });
  if (it == vms.end()) return;
  auto id = it->first;
  vms.erase(it);
  spdlog::warn("instance {}: its VM actor failed ({}); watching its qemu again", id, caf::to_string(down.reason));
  const auto* i = self->state.pipeline->tentative().instances.find(id);
  // (Starting and stopping: the start's or the stop's own answer from the VM actor says so.)
  if (i != nullptr && i->state == domain::instance_state::running) {
    take_over(self, *i, "no longer watched: its VM actor failed");
  }
}

// At start: every instance the log says is running was started by an earlier server (or by this
// manager before it failed). Its qemu kept running (own session) and is watched again; one that
// vanished meanwhile is a failure under its restart policy. A restart that was due is scheduled
// again, and instances marked autostart that are not running are started.
void reconcile(manager_actor* self) {
  for (const auto& [id, i] : self->state.pipeline->durable().instances.by_id) {
    if (i.state == domain::instance_state::restarting) {
      schedule_restart(self, i, origin("supervisor"));
      continue;
    }
    if (i.autostart && domain::at_rest(i.state)) {
      spdlog::info("instance {}: autostart", id);
      // By name: names are unique and resolved first, and a name may be another instance's id.
      start(self, id, start_reason{origin("autostart")}, [](std::optional<caf::error> e, std::uint64_t id) {
        if (e) spdlog::warn("instance {}: autostart failed: {}", id, from_caf(*e).message());
      });
      continue;
    }
    if (!domain::active(i.state)) continue;
    take_over(self, i, "vanished while the server was down");
  }
}

// What a durable event asks of others: the image and identity managers learn which images and
// identities instances use.
void act_on(manager_actor* self, const events::event& e) {
  if (e.kind != "instance") return;
  using namespace domain;  // the event types
  if (e.type == instance_restart_scheduled::type) {
    if (const auto* i = self->state.pipeline->durable().instances.find(std::stoull(e.id))) {
      schedule_restart(self, *i, events::following(e, "supervisor"));
    }
    return;
  }
  if (e.type == instance_created::type || e.type == instance_modified::type || e.type == instance_removed::type) {
    self->send(self->state.supervisor, durable_atom_v, images_atom_v, e);
    self->send(self->state.supervisor, durable_atom_v, identities_atom_v, e);
  }
  // vm.sh, the command line for hacking, follows every change of it.
  if (e.type == instance_modified::type || e.type == instance_mount_added::type ||
      e.type == instance_mount_removed::type || e.type == instance_forward_added::type ||
      e.type == instance_forward_removed::type) {
    rewrite_vm_script(self, std::stoull(e.id));
  }
}

instance_manager_impl::behavior_type instance_manager(manager_actor* self, events::event_store* store,
                                                      instance_manager_peers supervisor,
                               instance_settings settings, domain::machines initial) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.supervisor = std::move(supervisor);
  st.pipeline.emplace(*store, std::move(initial), [self](const events::event& e) { act_on(self, e); });
  auto& pipeline = *st.pipeline;
  if (st.settings.predefine_networks) {
    auto predefined = domain::decide(pipeline.tentative(), domain::ensure_predefined_networks{st.settings.network_defaults});
    if (predefined.ok() && !predefined->empty()) pipeline.append_own(self, std::move(*predefined));
  }
  self->set_down_handler([self](caf::down_msg& down) { on_vm_down(self, down); });
  reconcile(self);
  auto net_reply = [self](std::uint64_t id) { return [self, id](const std::vector<events::event>&) { return network_view(self, id); }; };
  return {
      [=, &pipeline](domain::create_network& c, events::cause& who) {
        return pipeline.submit(self, c, who, [self](const std::vector<events::event>& stored) {
          return stored.empty() ? nlohmann::json() : network_view(self, std::stoull(stored.front().id));
        });
      },
      [=, &pipeline](domain::modify_network& c, events::cause& who) -> caf::result<json_text> {
        const auto* n = pipeline.tentative().networks.resolve(c.ref);
        if (n == nullptr) return caf_error(error::not_found("network '" + c.ref + "' does not exist"));
        return pipeline.submit(self, c, who, net_reply(n->id));
      },
      [=, &pipeline](domain::remove_network& c, events::cause& who) -> caf::result<json_text> {
        const auto* n = pipeline.durable().networks.resolve(c.ref);
        if (n == nullptr) return caf_error(error::not_found("network '" + c.ref + "' does not exist"));
        auto as_was = domain::to_json(*n, pipeline.durable().networks);
        return pipeline.submit(self, c, who, [as_was](const std::vector<events::event>&) { return nlohmann::json{{"removed", as_was}}; });
      },
      [=](instance_request& req, events::cause& who) { return create(self, req, who); },
      [=, &pipeline](domain::modify_instance& c, events::cause& who) -> caf::result<json_text> {
        const auto* i = pipeline.tentative().instances.resolve(c.ref);
        if (i == nullptr) return caf_error(error::not_found("instance '" + c.ref + "' does not exist"));
        c.host = self->state.settings.host;
        auto id = i->id;
        return pipeline.submit(self, c, who, [self, id](const std::vector<events::event>&) { return instance_view(self, id); });
      },
      [=](domain::add_forward& c, events::cause& who) { return change(self, c, who); },
      [=](domain::add_mount& c, events::cause& who) { return change(self, c, who); },
      [=](domain::remove_mount& c, events::cause& who) { return change(self, c, who); },
      [=](domain::remove_forward& c, events::cause& who) { return change(self, c, who); },
      [=](remove_instance_request& req, events::cause& who) -> caf::result<json_text> {
        auto promise = self->make_response_promise<json_text>();
        const auto* i = self->state.pipeline->tentative().instances.resolve(req.ref);
        bool active = i != nullptr && domain::active(i->state);
        if (!active || !req.force) {
          remove(self, req, who, promise);
          return promise;
        }
        stop(self, {req.ref, true, 0}, who, [self, req, who, promise](std::optional<caf::error> e, std::uint64_t) mutable {
          if (e) {
            promise.deliver(*e);
            return;
          }
          remove(self, req, who, promise);
        });
        return promise;
      },
      [=](start_atom, std::string& ref, events::cause& who) -> caf::result<json_text> {
        auto promise = self->make_response_promise<json_text>();
        start(self, ref, who, [self, promise](std::optional<caf::error> e, std::uint64_t id) mutable {
          answer(self, promise, std::move(e), id);
        });
        return promise;
      },
      [=](stop_request& req, events::cause& who) -> caf::result<json_text> {
        auto promise = self->make_response_promise<json_text>();
        stop(self, req, who, [self, promise](std::optional<caf::error> e, std::uint64_t id) mutable {
          answer(self, promise, std::move(e), id);
        });
        return promise;
      },
      [=](restart_atom, stop_request& req, events::cause& who) -> caf::result<json_text> {
        auto promise = self->make_response_promise<json_text>();
        stop(self, req, who, [self, promise, who](std::optional<caf::error> e, std::uint64_t id) mutable {
          if (e) {
            promise.deliver(*e);
            return;
          }
          start(self, id, start_reason{who}, [self, promise](std::optional<caf::error> e, std::uint64_t id) mutable {
            answer(self, promise, std::move(e), id);
          });
        });
        return promise;
      },
      [=](exited_atom, std::uint64_t id, int code, int signal, std::string& shutdown_reason) {
        on_exited(self, id, code, signal, std::move(shutdown_reason));
      },
      [=](restart_atom, std::uint64_t id, unsigned attempt, const events::cause& why) {
        start(self, id, start_reason{why, attempt}, [](std::optional<caf::error> e, std::uint64_t id) {
          if (e) spdlog::warn("instance {}: restart failed: {}", id, from_caf(*e).message());
        });
      },
      [=](phone_home_atom, std::uint64_t id, domain::phone_home_report& r) {
        spdlog::info("instance {} phoned home as '{}'", id, r.hostname);
        record_report(self, domain::record_phone_home{id, std::move(r)});
      },
      [=](ip_atom, std::uint64_t id, std::string& ip) { record_report(self, domain::record_ip_report{id, std::move(ip)}); },
      [=](stage_atom, std::uint64_t id, std::string& stage) {
        if (self->state.vms.count(id) != 0) self->state.stages[id] = std::move(stage);
      },
      [=](ready_atom, std::uint64_t id) {
        spdlog::info("instance {}: sshd answers", id);
        self->state.pipeline->submit_then(self, domain::record_ready{id, now_us(self)}, origin("supervisor"), [id](outcome& out) {
          if (!out.ok()) spdlog::warn("instance {}: readiness not recorded: {}", id, out.error().message());
        });
      },
      [=, &pipeline](appended_atom, std::uint64_t token, events_result& r) {
        pipeline.on_appended(token, r);
      },
      [=, &pipeline](list_atom, networks_atom) {
        nlohmann::json out = nlohmann::json::array();
        const auto& m = pipeline.durable();
        for (const auto& [id, n] : m.networks.by_id) out.push_back(domain::to_json(n, m.networks));
        return text(out);
      },
      [=, &pipeline](list_atom, instances_atom) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& [id, i] : pipeline.durable().instances.by_id) out.push_back(instance_view(self, i));
        return text(out);
      },
      [=, &pipeline](get_atom, networks_atom, const std::string& ref) -> caf::result<json_text> {
        const auto& m = pipeline.durable();
        if (const auto* n = m.networks.resolve(ref)) return text(domain::to_json(*n, m.networks));
        return caf_error(error::not_found("network '" + ref + "' does not exist"));
      },
      [=, &pipeline](get_atom, instances_atom, const std::string& ref) -> caf::result<json_text> {
        if (const auto* i = pipeline.durable().instances.resolve(ref)) return text(instance_view(self, *i));
        return caf_error(error::not_found("instance '" + ref + "' does not exist"));
      },
      [=](fail_atom, instances_atom) {
        // Test hook for supervision: the actor dies as if a handler had failed.
        self->quit(caf::sec::runtime_error);
      },
  };
}

}  // namespace

instance_manager_actor spawn_instance_manager(caf::actor_system& sys, events::event_store& store,
                                              instance_manager_peers supervisor, instance_settings settings,
                                              domain::machines initial) {
  return sys.spawn(instance_manager, &store, std::move(supervisor), std::move(settings), std::move(initial));
}

}  // namespace kaso::actors
