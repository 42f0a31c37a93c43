#include "actors/image_manager.hpp"

#include <charconv>
#include <cstdlib>
#include <map>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "actors/blocking.hpp"
#include "actors/command_pipeline.hpp"
#include "domain/event_types/image.hpp"
#include "images/fetch.hpp"

namespace kaso::actors {
namespace {

struct running_task {
  images::progress progress;
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
};

struct image_manager_state {
  image_settings settings;
  std::optional<command_pipeline<domain::images>> pipeline;
  std::unordered_map<std::uint64_t, running_task> running;
  // Images promised to instances being created (instance id -> image id): not removable until the
  // instance's creation is recorded (then used_by holds it) or abandoned.
  std::map<std::uint64_t, std::uint64_t> reserved;
  static inline const char* name = "image-manager";
};

using image_manager_ptr = image_manager_impl::stateful_pointer<image_manager_state>;

json_text text(const nlohmann::json& j) { return command_pipeline<domain::images>::text(j); }

nlohmann::json task_view(const image_manager_state& st, const domain::task& t) {
  auto j = domain::to_json(t);
  if (auto it = st.running.find(t.id); it != st.running.end()) {
    const auto& p = it->second.progress;
    j["progress"] = {{"done", p.done}, {"total", p.total}, {"rate", p.rate_bytes_per_s}};
  }
  return j;
}

// The blocking part of a task, on its own detached actor: fetch, then report to the manager.
caf::behavior worker(caf::event_based_actor* self, image_worker_sink manager, images::fetch_request request,
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

void start_worker(image_manager_ptr self, const domain::task& t) {
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
  spawn_blocking(self->home_system(), worker, image_worker_sink{self}, std::move(r), run.cancel);
}

// What a durable event asks of the world outside the log.
void act_on(image_manager_ptr self, const events::event& e) {
  auto& st = self->state;
  if (e.type == domain::task_started::type) {
    if (const auto* t = st.pipeline->durable().find_task(std::stoull(e.id))) start_worker(self, *t);
  } else if (e.type == domain::task_cancelled::type) {
    if (auto it = st.running.find(std::stoull(e.id)); it != st.running.end()) *it->second.cancel = true;
  }
}

// Records a finished task: its images, or its failure. `joined_paths`: the files of the images
// that joined the download, made by give_joined_files (`given` says whether that worked).
void record_task(image_manager_ptr self, std::uint64_t id, result<images::fetched_image> got,
                 const std::map<std::uint64_t, std::string>& joined_paths, status given) {
  auto& st = self->state;
  auto& pipeline = *st.pipeline;
  const auto* t = pipeline.tentative().find_task(id);
  result<std::vector<events::event>> decided = error::internal("undecided");
  const std::string fetched = got.ok() ? got->path.string() : std::string();
  if (got.ok() && !given.ok()) got = given.error();
  if (got.ok() && t != nullptr && t->running()) {
    domain::complete_image_task done{id, got->path.string(), got->format, got->sha256, got->virtual_size, got->size,
                                     joined_paths};
    decided = domain::decide(pipeline.tentative(), done);
  }
  if (!got.ok() || t == nullptr || !t->running()) {
    // Nothing is recorded for these files: they go, on a worker.
    std::vector<std::string> files;
    if (!fetched.empty()) files.push_back(fetched);
    for (const auto& [image_id, path] : joined_paths) files.push_back(path);
    run_blocking(self, [files, dir = st.settings.images_dir, id] {
      std::error_code ec;  // what is already gone is fine
      for (const auto& f : files) std::filesystem::remove(f, ec);
      images::remove_task_leftovers(dir, id);
      return ok_status();
    });
    if (t == nullptr || !t->running()) return;  // cancelled meanwhile: leave nothing behind
    spdlog::warn("task {} failed: {}", id, got.error().message());
    decided = domain::decide(pipeline.tentative(), domain::fail_image_task{id, got.error().message()});
  }
  if (decided.ok()) pipeline.append_own(self, std::move(decided.value()));
}

// `kaso image remove`: image.removed, then its file is deleted by a worker, then the answer (the
// image as it was): a removal answered is a file gone, and no scheduler thread waits for the disk.
caf::result<json_text> remove(image_manager_ptr self, const domain::remove_image& cmd, const events::cause& who,
                              nlohmann::json as_was, std::string path) {
  auto promise = self->make_response_promise<json_text>();
  self->state.pipeline->submit_then(self, cmd, who, [self, promise, as_was, path](events_result& out) mutable {
    if (!out.ok()) {
      promise.deliver(to_caf(out.error()));
      return;
    }
    run_blocking(
        self,
        [path] {
          std::error_code ec;  // already gone is fine
          std::filesystem::remove(path, ec);
          if (ec) return status(error::io_error("image file " + path + " was not deleted: " + ec.message()));
          return ok_status();
        },
        [promise, as_was](status s) mutable {
          if (!s.ok()) spdlog::warn("{}", s.error().message());
          promise.deliver(text(nlohmann::json{{"removed", as_was}}));
        });
  });
  return promise;
}

void on_task_done(image_manager_ptr self, std::uint64_t id, result<images::fetched_image>& got) {
  auto& st = self->state;
  st.running.erase(id);
  const auto* t = st.pipeline->tentative().find_task(id);
  if (!got.ok() || t == nullptr || !t->running() || t->joined.empty()) {
    record_task(self, id, std::move(got), {}, ok_status());
    return;
  }
  // Images that joined this download get the same bytes: a hard link beside the first, or a copy
  // of the whole file where links cannot be made (on a worker: it may take long).
  std::vector<std::pair<std::uint64_t, std::filesystem::path>> wanted;
  for (const auto& j : t->joined) {
    wanted.emplace_back(j.image_id, st.settings.images_dir / (std::to_string(j.image_id) + "." + got->format));
  }
  auto made = std::make_shared<std::map<std::uint64_t, std::string>>();
  const std::filesystem::path from = got->path;  // (got is moved into the continuation below)
  run_blocking(
      self,
      [from, wanted, made]() -> status {
        for (const auto& [image_id, path] : wanted) {
          std::error_code ec;
          std::filesystem::create_hard_link(from, path, ec);
          if (ec) std::filesystem::copy_file(from, path, ec);
          if (ec) return error::io_error("cannot give image " + std::to_string(image_id) + " its file: " + ec.message());
          (*made)[image_id] = path.string();
        }
        return ok_status();
      },
      [self, id, got = std::move(got), made](status given) mutable {
        record_task(self, id, std::move(got), *made, std::move(given));
      },
      timeouts::provisioning);
}

image_manager_impl::behavior_type image_manager(image_manager_ptr self, events::event_store* store, image_settings settings,
                            domain::images initial) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.pipeline.emplace(*store, std::move(initial), [self](const events::event& e) { act_on(self, e); });
  auto& pipeline = *st.pipeline;
  for (const auto& [id, t] : pipeline.durable().tasks) {
    if (t.running()) start_worker(self, t);  // interrupted by a server stop: resume
  }
  auto image_reply = [self](std::uint64_t id) {
    return [self, id](const std::vector<events::event>&) {
      const auto* i = self->state.pipeline->durable().resolve(std::to_string(id));
      return i != nullptr ? domain::to_json(*i, self->state.pipeline->durable()) : nlohmann::json();
    };
  };
  auto task_reply = [self](std::uint64_t id) {
    return [self, id](const std::vector<events::event>&) {
      const auto* t = self->state.pipeline->durable().find_task(id);
      return t != nullptr ? task_view(self->state, *t) : nlohmann::json();
    };
  };
  return {
      [=, &pipeline](domain::start_image_task& cmd, events::cause& who) -> caf::result<json_text> {
        if (cmd.source.kind == "predefined") {
          auto entry = self->state.settings.catalogue.find(cmd.source.predefined, self->state.settings.host_arch);
          if (!entry.ok()) return to_caf(entry.error());
          cmd.source.url = entry->url;
        }
        // The task that took the request: a new one, or the running download it joined.
        return pipeline.submit(self, cmd, who, [self](const std::vector<events::event>& stored) {
          const auto* t = self->state.pipeline->durable().find_task(std::stoull(stored.front().id));
          return t != nullptr ? task_view(self->state, *t) : nlohmann::json();
        });
      },
      [=, &pipeline](domain::modify_image& cmd, events::cause& who) -> caf::result<json_text> {
        const auto* i = pipeline.tentative().resolve(cmd.ref);
        if (i == nullptr) return to_caf(error::not_found("image '" + cmd.ref + "' does not exist"));
        return pipeline.submit(self, cmd, who, image_reply(i->id));
      },
      [=, &pipeline](domain::remove_image& cmd, events::cause& who) -> caf::result<json_text> {
        const auto* i = pipeline.durable().resolve(cmd.ref);
        if (i == nullptr) return to_caf(error::not_found("image '" + cmd.ref + "' does not exist"));
        for (const auto& [instance, image] : self->state.reserved) {
          if (image == i->id) return to_caf(error::conflict("image '" + i->name + "' is used by an instance being created"));
        }
        return remove(self, cmd, who, domain::to_json(*i, pipeline.durable()), i->path);
      },
      [=, &pipeline](domain::cancel_task& cmd, events::cause& who) -> caf::result<json_text> {
        return pipeline.submit(self, cmd, who, task_reply(cmd.task_id));
      },
      [=, &pipeline](appended_atom, std::uint64_t token, events_result& r) {
        pipeline.on_appended(token, r);
      },
      [=, &pipeline](reserve_atom, const std::string& ref, std::uint64_t instance_id) -> caf::result<domain::image_facts> {
        const auto* i = pipeline.durable().resolve(ref);
        if (i == nullptr) return to_caf(error::not_found("image '" + ref + "' does not exist"));
        self->state.reserved[instance_id] = i->id;
        return domain::image_facts{i->id, i->name, i->path, i->format, i->virtual_size, i->minimums};
      },
      [=](release_atom, std::uint64_t instance_id) { self->state.reserved.erase(instance_id); },
      [=, &pipeline](durable_atom, images_atom, const events::event& e) {
        pipeline.fold_external(e);
        if (e.kind == "instance") self->state.reserved.erase(std::strtoull(e.id.c_str(), nullptr, 10));
      },
      [=](progress_atom, std::uint64_t id, std::uint64_t done, std::uint64_t total, double rate) {
        if (auto it = self->state.running.find(id); it != self->state.running.end()) {
          it->second.progress = {done, total, rate};
        }
      },
      [=](done_atom, std::uint64_t id, result<images::fetched_image>& got) { on_task_done(self, id, got); },
      [=](list_atom, images_atom) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& [id, i] : self->state.pipeline->durable().by_id) {
          out.push_back(domain::to_json(i, self->state.pipeline->durable()));
        }
        return text(out);
      },
      [=](list_atom, tasks_atom) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& [id, t] : self->state.pipeline->durable().tasks) out.push_back(task_view(self->state, t));
        return text(out);
      },
      [=](get_atom, catalogue_atom, const std::string& arch_name) {
        auto& st = self->state;
        auto arch = images::parse_cpu_arch(arch_name).value_or(st.settings.host_arch);
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : st.settings.catalogue.entries_for(arch)) {
          out.push_back({{"name", e.name}, {"os", e.os}, {"version", e.version},
                         {"arch", images::to_string(e.arch)}, {"url", e.url}, {"format", e.format},
                         {"min_cpu", e.min_cpu}, {"min_ram_mb", e.min_ram_mb}, {"min_space_mb", e.min_space_mb},
                         {"other_arch", e.arch != st.settings.host_arch}, {"eol", e.eol}});
        }
        return text(out);
      },
      [=](get_atom, tasks_atom, const std::string& ref) -> caf::result<json_text> {
        auto& st = self->state;
        std::uint64_t id = 0;
        auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
        const bool whole = ec == std::errc() && end == ref.data() + ref.size();  // "1xyz" is no task
        const auto* t = whole ? st.pipeline->durable().find_task(id) : nullptr;
        if (t == nullptr) return to_caf(error::not_found("task '" + ref + "' does not exist"));
        return text(task_view(st, *t));
      },
      [=](get_atom, images_atom, const std::string& ref) -> caf::result<json_text> {
        const auto& images = self->state.pipeline->durable();
        const auto* i = images.resolve(ref);
        if (i == nullptr) return to_caf(error::not_found("image '" + ref + "' does not exist"));
        return text(domain::to_json(*i, images));
      },
      [=](fail_atom, images_atom) {
        // Test hook for supervision: the actor dies as if a handler had failed.
        self->quit(caf::sec::runtime_error);
      },
  };
}

}  // namespace

image_manager_actor spawn_image_manager(caf::actor_system& sys, events::event_store& store,
                                        image_settings settings, domain::images initial) {
  return sys.spawn(image_manager, &store, std::move(settings), std::move(initial));
}

}  // namespace kaso::actors
