#include "actors/identity_manager.hpp"

#include <unordered_map>

#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "events/event_store.hpp"

namespace kaso::actors {
namespace {

struct pending_reply {
  caf::typed_response_promise<domain::identity> promise;
  std::uint64_t id = 0;
  std::optional<domain::identity> removed;  // the reply for a removal: the identity as it was
};

struct identity_manager_state {
  events::event_store* store = nullptr;
  domain::identities durable;
  domain::identities tentative;
  std::unordered_map<std::uint64_t, pending_reply> pending;
  // The list as the API serves it, serialized once per change of the durable state: listing is
  // far more frequent than changing, and serializing a thousand identities costs milliseconds.
  json_text list_cache;
  std::uint64_t next_token = 1;
  static inline const char* name = "identity-manager";
};

using identity_manager_actor = caf::stateful_actor<identity_manager_state>;

template <class Command>
caf::result<domain::identity> submit(identity_manager_actor* self, const Command& cmd,
                                     const events::cause& who) {
  auto& st = self->state;
  auto decided = domain::decide(st.tentative, cmd);
  if (!decided.ok()) return to_caf(decided.error());
  auto drafts = std::move(decided.value());
  pending_reply reply;
  if constexpr (std::is_same_v<Command, domain::remove_identity>) {
    // Prefer the durable view (it has the real times); an identity still in flight has none yet.
    const auto* durable = st.durable.resolve(cmd.ref);
    reply.removed = durable != nullptr ? *durable : *st.tentative.resolve(cmd.ref);
  }
  if constexpr (std::is_same_v<Command, domain::modify_identity>) {
    if (drafts.empty()) {  // nothing changes: answer with the durable view, record nothing
      const auto* current = st.durable.resolve(cmd.ref);
      if (current == nullptr) return to_caf(error::unavailable("identity is still being written"));
      return *current;
    }
  }
  reply.id = std::stoull(drafts.front().id);
  for (auto& e : drafts) {
    e.caused_by = who;
    domain::evolve(st.tentative, e);
  }
  reply.promise = self->make_response_promise<domain::identity>();
  auto token = st.next_token++;
  auto promise = reply.promise;
  st.pending.emplace(token, std::move(reply));
  caf::actor me = caf::actor_cast<caf::actor>(self);
  st.store->append_async(std::move(drafts), [me, token](result<std::vector<events::event>> r) {
    caf::anon_send(me, appended_atom_v, token, std::move(r));
  });
  return promise;
}

void on_appended(identity_manager_actor* self, std::uint64_t token,
                 result<std::vector<events::event>>& r) {
  auto& st = self->state;
  auto it = st.pending.find(token);
  if (it == st.pending.end()) return;
  auto reply = std::move(it->second);
  st.pending.erase(it);
  if (!r.ok()) {
    spdlog::error("identity command not recorded: {}", r.error().to_string());
    st.tentative = st.durable;
    reply.promise.deliver(to_caf(r.error()));
    return;
  }
  for (const auto& e : r.value()) domain::evolve(st.durable, e);
  st.list_cache.reset();
  if (reply.removed) {
    reply.promise.deliver(*reply.removed);
  } else if (const auto* i = st.durable.find(reply.id)) {
    reply.promise.deliver(*i);
  } else {
    reply.promise.deliver(to_caf(error::internal("identity vanished after its append")));
  }
}

caf::behavior identity_manager(identity_manager_actor* self, events::event_store* store,
                               domain::identities initial) {
  self->state.store = store;
  self->state.durable = initial;
  self->state.tentative = std::move(initial);
  return {
      [=](domain::create_identity& cmd, events::cause& who) { return submit(self, cmd, who); },
      [=](domain::modify_identity& cmd, events::cause& who) { return submit(self, cmd, who); },
      [=](domain::remove_identity& cmd, events::cause& who) { return submit(self, cmd, who); },
      [=](appended_atom, std::uint64_t token, result<std::vector<events::event>>& r) {
        on_appended(self, token, r);
      },
      [=](list_atom) {
        auto& st = self->state;
        if (!st.list_cache) {
          nlohmann::json out = nlohmann::json::array();
          for (const auto& [id, i] : st.durable.by_id) out.push_back(domain::to_json(i));
          st.list_cache = std::make_shared<const std::string>(out.dump());
        }
        return st.list_cache;
      },
      [=](get_atom, const std::string& ref) -> caf::result<domain::identity> {
        if (const auto* i = self->state.durable.resolve(ref)) return *i;
        return to_caf(error::not_found("identity '" + ref + "' does not exist"));
      },
      [=](fail_atom) -> caf::result<void> {
        // Test hook for supervision: the actor dies as if a handler had failed.
        self->quit(caf::sec::runtime_error);
        return caf::unit;
      },
  };
}

}  // namespace

caf::actor spawn_identity_manager(caf::actor_system& sys, events::event_store& store,
                                  domain::identities initial) {
  return sys.spawn(identity_manager, &store, std::move(initial));
}

}  // namespace kaso::actors
