// The path every command takes inside a manager actor: decide against the tentative state
// (durable + appends in flight), append the events, fold them into the durable state once the
// store says they are durable, then answer. Concurrent commands therefore share the store's group
// commit, reads see only durable state, and a refused command appends nothing. If an append
// fails, the tentative state falls back to the durable one.
//
// Times: the store stamps each event when it writes it. The tentative state cannot wait for
// that, so it folds each draft stamped with the time of its decision: folds that keep times, such
// as an instance's restart history, see the time within the append's latency. Reads and answers
// use the durable state, with the store's times.
//
// One pipeline per manager actor, used only from that actor's handlers. Answers are the JSON
// the API serves (json_text). Include only in actor .cpp files: it pulls in CAF.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "events/event_store.hpp"

namespace kaso::actors {

template <class Model>
class command_pipeline {
 public:
  // Builds the answer from the durable state, given the events as stored.
  using reply_builder = std::function<nlohmann::json(const std::vector<events::event>& stored)>;
  // Runs for each event once it is durable, before the answer: side effects outside the log.
  using durable_hook = std::function<void(const events::event&)>;

  command_pipeline(events::event_store& store, Model initial, durable_hook on_durable)
      : store_(&store), durable_(initial), tentative_(std::move(initial)), on_durable_(std::move(on_durable)) {}

  const Model& durable() const { return durable_; }
  const Model& tentative() const { return tentative_; }

  // Decides `cmd`; answers at once when it is refused or changes nothing, else once durable.
  template <class Actor, class Command>
  caf::result<json_text> submit(Actor* self, const Command& cmd, const events::cause& who, reply_builder reply) {
    auto decided = domain::decide(tentative_, cmd);
    if (!decided.ok()) return to_caf(decided.error());
    if (decided.value().empty()) return text(reply({}));
    auto promise = self->template make_response_promise<json_text>();
    append(self, std::move(decided.value()), who, promise, std::move(reply));
    return promise;
  }

  // Appends events decided by the actor itself; nobody waits for an answer.
  template <class Actor>
  void append_own(Actor* self, std::vector<events::event> drafts) {
    append(self, std::move(drafts), events::cause{}, std::nullopt, {});
  }

  // Runs once the events are durable (or failed to be), inside the actor.
  using continuation = std::function<void(result<std::vector<events::event>>&)>;

  // Decides `cmd` and appends; `then` runs when the events are durable, or at once (in this
  // call) with the refusal or with no events when the command changes nothing.
  template <class Actor, class Command>
  void submit_then(Actor* self, const Command& cmd, const events::cause& who, continuation then) {
    auto decided = domain::decide(tentative_, cmd);
    if (!decided.ok() || decided.value().empty()) {
      result<std::vector<events::event>> r = decided.ok() ? result<std::vector<events::event>>(std::vector<events::event>{})
                                                          : result<std::vector<events::event>>(decided.error());
      then(r);
      return;
    }
    append(self, std::move(decided.value()), who, std::nullopt, {}, std::move(then));
  }

  // Folds an event another actor made durable (e.g. the images read model learning of
  // instances) into both states.
  void fold_external(const events::event& e) {
    domain::evolve(durable_, e);
    domain::evolve(tentative_, e);
  }

  // The actor's handler for (appended_atom, token, result).
  void on_appended(std::uint64_t token, result<std::vector<events::event>>& r) {
    auto it = pending_.find(token);
    if (it == pending_.end()) return;
    auto p = std::move(it->second);
    pending_.erase(it);
    if (!r.ok()) {
      spdlog::error("command not recorded: {}", r.error().to_string());
      tentative_ = durable_;
      if (p.promise) p.promise->deliver(to_caf(r.error()));
      if (p.then) p.then(r);
      return;
    }
    for (const auto& e : r.value()) domain::evolve(durable_, e);
    if (on_durable_) {
      for (const auto& e : r.value()) on_durable_(e);
    }
    if (p.promise) p.promise->deliver(text(p.reply(r.value())));
    if (p.then) p.then(r);
  }

  // Never throws: invalid UTF-8 (which the API cannot bring in) would be replaced, not thrown.
  static json_text text(const nlohmann::json& j) {
    return std::make_shared<const std::string>(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }

 private:
  struct pending {
    std::optional<caf::typed_response_promise<json_text>> promise;
    reply_builder reply;
    continuation then;
  };

  template <class Actor>
  void append(Actor* self, std::vector<events::event> drafts, const events::cause& who,
              std::optional<caf::typed_response_promise<json_text>> promise, reply_builder reply,
              continuation then = {}) {
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    for (auto& e : drafts) {
      e.caused_by = who;
      auto stamped = e;
      if (stamped.time_us == 0) stamped.time_us = now_us;
      domain::evolve(tentative_, stamped);
    }
    auto token = next_token_++;
    pending_.emplace(token, pending{std::move(promise), std::move(reply), std::move(then)});
    caf::actor me = caf::actor_cast<caf::actor>(self);
    store_->append_async(std::move(drafts), [me, token](result<std::vector<events::event>> r) {
      caf::anon_send(me, appended_atom_v, token, std::move(r));
    });
  }

  events::event_store* store_;
  Model durable_;
  Model tentative_;
  durable_hook on_durable_;
  std::unordered_map<std::uint64_t, pending> pending_;
  std::uint64_t next_token_ = 1;
};

}  // namespace kaso::actors
