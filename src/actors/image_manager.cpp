#include "actors/image_manager.hpp"

#include <charconv>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "actors/messages.hpp"
#include "events/event_store.hpp"
#include "images/fetch.hpp"

namespace kaso::actors {
namespace {

using reply_builder = std::function<nlohmann::json(const std::vector<events::event>& stored)>;

struct pending_append {
  std::optional<caf::typed_response_promise<json_text>> promise;  // none for the manager's own
  reply_builder reply;
};

struct running_task {
  images::progress progress;
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
};

struct image_manager_state {
  events::event_store* store = nullptr;
  image_settings settings;
  domain::images durable;
  domain::images tentative;
  std::unordered_map<std::uint64_t, pending_append> pending;
  std::unordered_map<std::uint64_t, running_task> running;
  std::uint64_t next_token = 1;
  static inline const char* name = "image-manager";
};

using image_manager_actor = caf::stateful_actor<image_manager_state>;

json_text text(const nlohmann::json& j) { return std::make_shared<const std::string>(j.dump()); }

nlohmann::json task_view(const image_manager_state& st, const domain::task& t) {
  auto j = domain::to_json(t);
  if (auto it = st.running.find(t.id); it != st.running.end()) {
    const auto& p = it->second.progress;
    j["progress"] = {{"done", p.done}, {"total", p.total}, {"rate", p.rate_bytes_per_s}};
  }
  return j;
}

// The blocking part of a task, on its own detached actor: fetch, then report to the manager.
caf::behavior worker(caf::event_based_actor* self, caf::actor manager, images::fetch_request request,
                     std::shared_ptr<std::atomic<bool>> cancel) {
  auto id = request.task_id;
  auto got = images::fetch_image(
      request,
      [&](const images::progress& p) {
        caf::anon_send(manager, progress_atom_v, id, p.done, p.total, p.rate_bytes_per_s);
      },
      *cancel);
  caf::anon_send(manager, done_atom_v, id, std::move(got));
  self->quit();
  return {};
}

void start_worker(image_manager_actor* self, const domain::task& t) {
  auto& st = self->state;
  images::fetch_request r;
  r.task_id = t.id;
  r.image_id = t.image_id;
  r.images_dir = st.settings.images_dir;
  r.expected_sha256 = t.sha256;
  r.caller_uid = t.caller_uid;
  if (t.source.kind == "file") {
    r.file = t.source.file;
  } else if (t.source.kind == "predefined") {
    auto entry = st.settings.catalogue.find(t.source.predefined, st.settings.host_arch);
    if (entry.ok()) r.predefined = entry.value();
    else r.url = t.source.url;
  } else {
    r.url = t.source.url;
  }
  auto& run = st.running[t.id];
  spdlog::info("task {}: {} of image '{}' started", t.id, t.kind, t.image_name);
  self->spawn<caf::detached>(worker, caf::actor_cast<caf::actor>(self), std::move(r), run.cancel);
}

// What a durable event asks of the world outside the log.
void act_on(image_manager_actor* self, const events::event& e, const domain::images& before) {
  auto& st = self->state;
  if (e.type == "task.started") {
    if (const auto* t = st.durable.find_task(std::stoull(e.id))) start_worker(self, *t);
  } else if (e.type == "task.cancelled") {
    if (auto it = st.running.find(std::stoull(e.id)); it != st.running.end()) *it->second.cancel = true;
  } else if (e.type == "image.removed") {
    std::error_code ec;
    std::filesystem::remove(e.payload.value("path", ""), ec);
  }
}

void append(image_manager_actor* self, std::vector<events::event> drafts, const events::cause& who,
            pending_append pending) {
  auto& st = self->state;
  for (auto& e : drafts) {
    e.caused_by = who;
    domain::evolve(st.tentative, e);
  }
  auto token = st.next_token++;
  st.pending.emplace(token, std::move(pending));
  caf::actor me = caf::actor_cast<caf::actor>(self);
  st.store->append_async(std::move(drafts), [me, token](result<std::vector<events::event>> r) {
    caf::anon_send(me, appended_atom_v, token, std::move(r));
  });
}

template <class Command>
caf::result<json_text> submit(image_manager_actor* self, const Command& cmd, const events::cause& who,
                              reply_builder reply) {
  auto decided = domain::decide(self->state.tentative, cmd);
  if (!decided.ok()) return to_caf(decided.error());
  if (decided.value().empty()) return text(reply({}));
  auto promise = self->make_response_promise<json_text>();
  append(self, std::move(decided.value()), who, {promise, std::move(reply)});
  return promise;
}

void on_appended(image_manager_actor* self, std::uint64_t token, result<std::vector<events::event>>& r) {
  auto& st = self->state;
  auto it = st.pending.find(token);
  if (it == st.pending.end()) return;
  auto p = std::move(it->second);
  st.pending.erase(it);
  if (!r.ok()) {
    spdlog::error("image command not recorded: {}", r.error().to_string());
    st.tentative = st.durable;
    if (p.promise) p.promise->deliver(to_caf(r.error()));
    return;
  }
  auto before = st.durable;
  for (const auto& e : r.value()) domain::evolve(st.durable, e);
  for (const auto& e : r.value()) act_on(self, e, before);
  if (p.promise) p.promise->deliver(text(p.reply(r.value())));
}

void on_task_done(image_manager_actor* self, std::uint64_t id, result<images::fetched_image>& got) {
  auto& st = self->state;
  st.running.erase(id);
  const auto* t = st.tentative.find_task(id);
  if (t == nullptr || !t->running()) {  // cancelled meanwhile: leave nothing behind
    if (got.ok()) std::filesystem::remove(got->path);
    images::remove_task_leftovers(st.settings.images_dir, id);
    return;
  }
  events::cause server;
  result<std::vector<events::event>> decided = error::internal("undecided");
  if (got.ok()) {
    decided = domain::decide(st.tentative, domain::complete_image_task{id, got->path.string(), got->format,
                                                                        got->sha256, got->virtual_size, got->size});
  } else {
    spdlog::warn("task {} failed: {}", id, got.error().message());
    images::remove_task_leftovers(st.settings.images_dir, id);
    decided = domain::decide(st.tentative, domain::fail_image_task{id, got.error().message()});
  }
  if (decided.ok()) append(self, std::move(decided.value()), server, {});
}

caf::behavior image_manager(image_manager_actor* self, events::event_store* store, image_settings settings,
                            domain::images initial) {
  auto& st = self->state;
  st.store = store;
  st.settings = std::move(settings);
  st.durable = initial;
  st.tentative = std::move(initial);
  for (const auto& [id, t] : st.durable.tasks) {
    if (t.running()) start_worker(self, t);  // interrupted by a server stop: resume
  }
  auto image_reply = [self](std::uint64_t id) {
    return [self, id](const std::vector<events::event>&) {
      const auto* i = self->state.durable.resolve(std::to_string(id));
      return i != nullptr ? domain::to_json(*i) : nlohmann::json();
    };
  };
  return {
      [=](domain::start_image_task& cmd, events::cause& who) -> caf::result<json_text> {
        if (cmd.source.kind == "predefined") {
          auto entry = self->state.settings.catalogue.find(cmd.source.predefined, self->state.settings.host_arch);
          if (!entry.ok()) return to_caf(entry.error());
          cmd.source.url = entry->url;
        }
        return submit(self, cmd, who, [self](const std::vector<events::event>& stored) {
          return task_view(self->state, *self->state.durable.find_task(std::stoull(stored.front().id)));
        });
      },
      [=](domain::modify_image& cmd, events::cause& who) -> caf::result<json_text> {
        const auto* i = self->state.tentative.resolve(cmd.ref);
        if (i == nullptr) return to_caf(error::not_found("image '" + cmd.ref + "' does not exist"));
        return submit(self, cmd, who, image_reply(i->id));
      },
      [=](domain::remove_image& cmd, events::cause& who) -> caf::result<json_text> {
        const auto* i = self->state.durable.resolve(cmd.ref);
        if (i == nullptr) return to_caf(error::not_found("image '" + cmd.ref + "' does not exist"));
        auto as_was = domain::to_json(*i);
        return submit(self, cmd, who, [as_was](const std::vector<events::event>&) {
          return nlohmann::json{{"removed", as_was}};
        });
      },
      [=](domain::cancel_task& cmd, events::cause& who) -> caf::result<json_text> {
        return submit(self, cmd, who, [self, id = cmd.task_id](const std::vector<events::event>&) {
          return task_view(self->state, *self->state.durable.find_task(id));
        });
      },
      [=](appended_atom, std::uint64_t token, result<std::vector<events::event>>& r) { on_appended(self, token, r); },
      [=](progress_atom, std::uint64_t id, std::uint64_t done, std::uint64_t total, double rate) {
        if (auto it = self->state.running.find(id); it != self->state.running.end()) {
          it->second.progress = {done, total, rate};
        }
      },
      [=](done_atom, std::uint64_t id, result<images::fetched_image>& got) { on_task_done(self, id, got); },
      [=](list_atom, const std::string& what) -> json_text {
        nlohmann::json out = nlohmann::json::array();
        if (what == "tasks") {
          for (const auto& [id, t] : self->state.durable.tasks) out.push_back(task_view(self->state, t));
        } else {
          for (const auto& [id, i] : self->state.durable.by_id) out.push_back(domain::to_json(i));
        }
        return text(out);
      },
      [=](get_atom, const std::string& what, const std::string& ref) -> caf::result<json_text> {
        auto& st = self->state;
        if (what == "catalogue") {
          auto arch = images::parse_cpu_arch(ref).value_or(st.settings.host_arch);
          nlohmann::json out = nlohmann::json::array();
          for (const auto& e : st.settings.catalogue.entries_for(arch)) {
            out.push_back({{"name", e.name}, {"os", e.os}, {"version", e.version},
                           {"arch", images::to_string(e.arch)}, {"url", e.url}, {"format", e.format},
                           {"min_cpu", e.min_cpu}, {"min_ram_mb", e.min_ram_mb}, {"min_space_mb", e.min_space_mb},
                           {"other_arch", e.arch != st.settings.host_arch}, {"eol", e.eol}});
          }
          return text(out);
        }
        if (what == "tasks") {
          std::uint64_t id = 0;
          auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
          const auto* t = ec == std::errc() ? st.durable.find_task(id) : nullptr;
          if (t == nullptr) return to_caf(error::not_found("task '" + ref + "' does not exist"));
          return text(task_view(st, *t));
        }
        const auto* i = st.durable.resolve(ref);
        if (i == nullptr) return to_caf(error::not_found("image '" + ref + "' does not exist"));
        return text(domain::to_json(*i));
      },
  };
}

}  // namespace

caf::actor spawn_image_manager(caf::actor_system& sys, events::event_store& store, image_settings settings,
                               domain::images initial) {
  return sys.spawn(image_manager, &store, std::move(settings), std::move(initial));
}

}  // namespace kaso::actors
