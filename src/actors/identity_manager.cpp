#include "actors/identity_manager.hpp"

#include "actors/command_pipeline.hpp"

namespace kaso::actors {
namespace {

struct identity_manager_state {
  std::optional<command_pipeline<domain::identities>> pipeline;
  // The list as the API serves it, serialized once per change of the durable state: listing is
  // far more frequent than changing, and serializing a thousand identities costs milliseconds.
  json_text list_cache;
  static inline const char* name = "identity-manager";
};

using identity_manager_ptr = identity_manager_impl::stateful_pointer<identity_manager_state>;

// Answers with the identity as the durable state has it, by id (or, for a command that changed
// nothing while an earlier one is still in flight, as it will be).
command_pipeline<domain::identities>::reply_builder view_of(identity_manager_ptr self, std::uint64_t id) {
  return [self, id](const std::vector<events::event>&) {
    const auto& p = *self->state.pipeline;
    const auto* i = p.durable().find(id);
    if (i == nullptr) i = p.tentative().find(id);
    return i != nullptr ? domain::to_json(*i, p.durable()) : nlohmann::json();
  };
}

identity_manager_impl::behavior_type identity_manager(identity_manager_ptr self, events::event_store* store,
                               domain::identities initial) {
  self->state.pipeline.emplace(*store, std::move(initial),
                               [self](const events::event&) { self->state.list_cache.reset(); });
  auto& pipeline = *self->state.pipeline;
  auto resolve = [self](const std::string& ref) -> const domain::identity* {
    return self->state.pipeline->tentative().resolve(ref);
  };
  return {
      [=, &pipeline](domain::create_identity& cmd, events::cause& who) {
        return pipeline.submit(self, cmd, who, view_of(self, pipeline.tentative().next_id));
      },
      [=, &pipeline](domain::modify_identity& cmd, events::cause& who) -> caf::result<json_text> {
        const auto* i = resolve(cmd.ref);
        if (i == nullptr) return to_caf(error::not_found("identity '" + cmd.ref + "' does not exist"));
        return pipeline.submit(self, cmd, who, view_of(self, i->id));
      },
      [=, &pipeline](domain::remove_identity& cmd, events::cause& who) -> caf::result<json_text> {
        const auto* i = resolve(cmd.ref);
        if (i == nullptr) return to_caf(error::not_found("identity '" + cmd.ref + "' does not exist"));
        // The answer is the identity as it was; the durable view has its real times.
        const auto* durable = pipeline.durable().find(i->id);
        auto as_was = domain::to_json(durable != nullptr ? *durable : *i, pipeline.durable());
        return pipeline.submit(self, cmd, who, [as_was](const std::vector<events::event>&) {
          return nlohmann::json{{"removed", as_was}};
        });
      },
      [=, &pipeline](appended_atom, std::uint64_t token, events_result& r) {
        pipeline.on_appended(token, r);
      },
      [=, &pipeline](list_atom, identities_atom) {
        auto& cache = self->state.list_cache;
        if (!cache) {
          nlohmann::json out = nlohmann::json::array();
          for (const auto& [id, i] : pipeline.durable().by_id) out.push_back(domain::to_json(i, pipeline.durable()));
          cache = pipeline.text(out);
        }
        return cache;
      },
      [=, &pipeline](get_atom, identities_atom, const std::string& ref) -> caf::result<json_text> {
        if (const auto* i = pipeline.durable().resolve(ref)) return pipeline.text(domain::to_json(*i, pipeline.durable()));
        return to_caf(error::not_found("identity '" + ref + "' does not exist"));
      },
      [=, &pipeline](durable_atom, identities_atom, const events::event& e) {
        pipeline.fold_external(e);
        self->state.list_cache.reset();
      },
      [=, &pipeline](records_atom, const identity_refs& wanted) -> caf::result<identity_records> {
        identity_records out;
        for (const auto& ref : wanted.refs) {
          const auto* i = pipeline.durable().resolve(ref);
          if (i == nullptr) return to_caf(error::not_found("identity '" + ref + "' does not exist"));
          out.push_back(*i);
        }
        return out;
      },
      [=](fail_atom, identities_atom) {
        // Test hook for supervision: the actor dies as if a handler had failed.
        self->quit(caf::sec::runtime_error);
      },
  };
}

}  // namespace

identity_manager_actor spawn_identity_manager(caf::actor_system& sys, events::event_store& store,
                                              domain::identities initial) {
  return sys.spawn(identity_manager, &store, std::move(initial));
}

}  // namespace kaso::actors
