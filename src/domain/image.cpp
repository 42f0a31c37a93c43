#include "domain/image.hpp"

#include <array>
#include <charconv>

#include "domain/names.hpp"
#include "domain/event_types/fold_rules.hpp"
#include "domain/event_types/image.hpp"
#include "domain/event_types/instance.hpp"
#include "events/codec.hpp"

namespace kaso::domain {
namespace {

nlohmann::json source_json(const image_source& s) {
  return {{"kind", s.kind}, {"url", s.url}, {"predefined", s.predefined}, {"file", s.file}};
}

// The three minimums as the task and image events carry them, flat.
template <class Event>
void put_minimums(Event& e, const image_minimums& m) {
  e.min_cpu = m.min_cpu;
  e.min_ram = m.min_ram;
  e.min_space = m.min_space;
}

template <class Event>
image_minimums minimums_of(const Event& e) {
  return {e.min_cpu, e.min_ram, e.min_space};
}

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

result<const task*> running_task(const images& s, std::uint64_t id) {
  const task* t = s.find_task(id);
  if (t == nullptr) return error::not_found("task " + std::to_string(id) + " does not exist");
  if (!t->running()) return error::conflict("task " + std::to_string(id) + " is " + t->state);
  return t;
}

std::optional<std::uint64_t> parse_id(std::string_view text) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id == 0) return std::nullopt;
  return id;
}

// Instances are folded here for `used_by` and for the names in messages.
void apply_instance_created(images& s, std::uint64_t instance, const instance_created& c, const events::event&) {
  auto image = s.by_id.find(c.image_id);
  if (image != s.by_id.end()) image->second.used_by.insert(instance);
  s.instance_names[instance] = c.name;
}

void apply_instance_removed(images& s, std::uint64_t instance, const instance_removed&, const events::event&) {
  for (auto& [image_id, i] : s.by_id) i.used_by.erase(instance);
  s.instance_names.erase(instance);
}

void apply_task_started(images& s, std::uint64_t id, const task_started& started, const events::event& e) {
  task t;
  t.id = id;
  t.kind = started.kind;
  t.state = "running";
  t.image_name = started.image_name;
  t.image_id = started.image_id;
  t.source = started.source;
  t.sha256 = started.sha256;
  t.minimums = minimums_of(started);
  t.caller_uid = e.caused_by.uid;
  t.version = e.version;
  t.created_us = t.modified_us = e.time_us;
  s.tasks[id] = std::move(t);
  s.next_task_id = std::max(s.next_task_id, id + 1);
  s.next_id = std::max(s.next_id, started.image_id + 1);  // the image id is reserved
}

// A later event of task `id`: `change` applied, then its version and time; nothing for a task
// the log never started.
template <class Change>
void change_task(images& s, std::uint64_t id, const events::event& e, Change change) {
  auto it = s.tasks.find(id);
  if (it == s.tasks.end()) return;
  change(it->second);
  it->second.version = e.version;
  it->second.modified_us = e.time_us;
}

void apply_task_joined(images& s, std::uint64_t id, const task_joined& j, const events::event& e) {
  change_task(s, id, e, [&](task& t) {
    s.next_id = std::max(s.next_id, j.image_id + 1);
    t.joined.push_back({j.image_name, j.image_id, minimums_of(j)});
  });
}

void apply_task_completed(images& s, std::uint64_t id, const task_completed&, const events::event& e) {
  change_task(s, id, e, [](task& t) { t.state = "completed"; });
}

void apply_task_failed(images& s, std::uint64_t id, const task_failed& f, const events::event& e) {
  change_task(s, id, e, [&](task& t) {
    t.state = "failed";
    t.message = f.message;
  });
}

void apply_task_cancelled(images& s, std::uint64_t id, const task_cancelled&, const events::event& e) {
  change_task(s, id, e, [](task& t) {
    t.state = "cancelled";
    t.message = "cancelled";
  });
}

void apply_image_created(images& s, std::uint64_t id, const image_created& c, const events::event& e) {
  image i;
  i.id = id;
  i.name = c.name;
  i.path = c.path;
  i.format = c.format;
  i.virtual_size = c.virtual_size;
  i.size = c.size;
  i.sha256 = c.sha256;
  i.source = c.source;
  i.minimums = minimums_of(c);
  i.version = e.version;
  i.created_us = i.modified_us = e.time_us;
  s.id_by_name[i.name] = id;
  s.by_id[id] = std::move(i);
  s.next_id = std::max(s.next_id, id + 1);
}

void apply_image_modified(images& s, std::uint64_t id, const image_modified& m, const events::event& e) {
  auto it = s.by_id.find(id);
  if (it == s.by_id.end()) return;
  image& i = it->second;
  if (m.name) {
    s.id_by_name.erase(i.name);
    i.name = *m.name;
    s.id_by_name[i.name] = id;
  }
  if (m.min_cpu) i.minimums.min_cpu = *m.min_cpu;
  if (m.min_ram) i.minimums.min_ram = *m.min_ram;
  if (m.min_space) i.minimums.min_space = *m.min_space;
  i.version = e.version;
  i.modified_us = e.time_us;
}

void apply_image_removed(images& s, std::uint64_t id, const image_removed&, const events::event&) {
  auto it = s.by_id.find(id);
  if (it == s.by_id.end()) return;
  s.id_by_name.erase(it->second.name);
  s.by_id.erase(it);
}

constexpr fold_rule<images> fold_rules[] = {
    rule<images, task_started, apply_task_started>(),
    rule<images, task_joined, apply_task_joined>(),
    rule<images, task_completed, apply_task_completed>(),
    rule<images, task_failed, apply_task_failed>(),
    rule<images, task_cancelled, apply_task_cancelled>(),
    rule<images, image_created, apply_image_created>(),
    rule<images, image_modified, apply_image_modified>(),
    rule<images, image_removed, apply_image_removed>(),
    rule<images, instance_created, apply_instance_created>(),
    rule<images, instance_removed, apply_instance_removed>(),
};

}  // namespace

const image* images::resolve(std::string_view ref) const {
  if (auto it = id_by_name.find(std::string(ref)); it != id_by_name.end()) return &by_id.at(it->second);
  auto id = parse_id(ref);
  if (!id) return nullptr;
  auto it = by_id.find(*id);
  return it == by_id.end() ? nullptr : &it->second;
}

const task* images::find_task(std::uint64_t id) const {
  auto it = tasks.find(id);
  return it == tasks.end() ? nullptr : &it->second;
}

const task* images::running_task_for(std::string_view name) const {
  for (const auto& [id, t] : tasks) {
    if (!t.running()) continue;
    if (t.image_name == name) return &t;
    for (const auto& j : t.joined) {
      if (j.name == name) return &t;
    }
  }
  return nullptr;
}

const task* images::running_task_for_url(std::string_view url) const {
  for (const auto& [id, t] : tasks) {
    if (t.running() && !t.source.url.empty() && t.source.url == url) return &t;
  }
  return nullptr;
}

result<std::vector<events::event>> decide(const images& s, const start_image_task& c) {
  if (auto v = validate_name("image", c.name); !v.ok()) return v.error();
  if (s.id_by_name.contains(c.name)) return error::already_exists("image '" + c.name + "' already exists");
  if (const task* t = s.running_task_for(c.name)) {
    return error::already_exists("image '" + c.name + "' is being created by task " + std::to_string(t->id));
  }
  if (!c.sha256.empty() && !is_hex64(c.sha256)) {
    return error::invalid_argument("sha256 must be 64 lowercase hex digits");
  }
  if (c.source.kind != "url" && c.source.kind != "predefined" && c.source.kind != "file") {
    return error::invalid_argument("an image comes from a url, a predefined image or a file");
  }
  if (c.source.kind == "url") {
    const auto& u = c.source.url;
    if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
      return error::invalid_argument("only http:// and https:// URLs are accepted");
    }
    auto authority = u.substr(u.find("//") + 2);
    if (authority.substr(0, authority.find('/')).find('@') != std::string::npos) {
      return error::invalid_argument("URLs with credentials are not accepted (they would be recorded)");
    }
    if (has_control_characters(u) || u.find(' ') != std::string::npos) {
      return error::invalid_argument("the URL contains spaces or control characters");
    }
  }
  if (c.source.kind == "file" && (c.source.file.empty() || c.source.file.front() != '/')) {
    return error::invalid_argument("the image file must be an absolute path");
  }
  if (const task* t = c.source.kind == "file" ? nullptr : s.running_task_for_url(c.source.url)) {
    // Two requests for the same URL share one download.
    if (!c.sha256.empty() && !t->sha256.empty() && c.sha256 != t->sha256) {
      return error::conflict("task " + std::to_string(t->id) + " downloads that URL with another checksum");
    }
    task_joined joined{c.name, s.next_id};
    put_minimums(joined, c.minimums);
    return std::vector{make_event(joined, t->id, t->version + 1)};
  }
  task_started started{c.source.kind == "file" ? "image.import" : "image.download", c.name, s.next_id, c.source,
                       c.sha256};
  put_minimums(started, c.minimums);
  return std::vector{make_event(started, s.next_task_id, 1)};
}

result<std::vector<events::event>> decide(const images& s, const complete_image_task& c) {
  auto t = running_task(s, c.task_id);
  if (!t.ok()) return t.error();
  const task& task = *t.value();
  image_created created;
  created.name = task.image_name;
  created.path = c.path;
  created.format = c.format;
  created.virtual_size = c.virtual_size;
  created.size = c.size;
  created.sha256 = c.sha256;
  created.source = task.source;
  created.task_id = task.id;
  put_minimums(created, task.minimums);
  std::vector<events::event> out{make_event(created, task.image_id, 1)};
  for (const auto& j : task.joined) {
    auto path = c.joined_paths.find(j.image_id);
    if (path == c.joined_paths.end()) return error::internal("no file for image '" + j.name + "'");
    auto also = created;
    also.name = j.name;
    also.path = path->second;
    put_minimums(also, j.minimums);
    out.push_back(make_event(also, j.image_id, 1));
  }
  out.push_back(make_event(task_completed{task.image_id}, task.id, task.version + 1));
  return out;
}

result<std::vector<events::event>> decide(const images& s, const fail_image_task& c) {
  auto t = running_task(s, c.task_id);
  if (!t.ok()) return t.error();
  return std::vector{make_event(task_failed{c.message}, c.task_id, t.value()->version + 1)};
}

result<std::vector<events::event>> decide(const images& s, const cancel_task& c) {
  auto t = running_task(s, c.task_id);
  if (!t.ok()) return t.error();
  return std::vector{make_event(task_cancelled{}, c.task_id, t.value()->version + 1)};
}

result<std::vector<events::event>> decide(const images& s, const modify_image& c) {
  const image* i = s.resolve(c.ref);
  if (i == nullptr) return error::not_found("image '" + c.ref + "' does not exist");
  image_modified modified;
  if (c.name && *c.name != i->name) {
    if (auto v = validate_name("image", *c.name); !v.ok()) return v.error();
    if (s.id_by_name.contains(*c.name) || s.running_task_for(*c.name)) {
      return error::already_exists("image '" + *c.name + "' already exists");
    }
    modified.name = *c.name;
  }
  modified.min_cpu = c.min_cpu;
  modified.min_ram = c.min_ram;
  modified.min_space = c.min_space;
  if (modified == image_modified{}) return std::vector<events::event>{};
  return std::vector{make_event(modified, i->id, i->version + 1)};
}

result<std::vector<events::event>> decide(const images& s, const remove_image& c) {
  const image* i = s.resolve(c.ref);
  if (i == nullptr) return error::not_found("image '" + c.ref + "' does not exist");
  if (!i->used_by.empty()) {
    return error::conflict("image '" + i->name + "' is used by instances: " + joined_instance_names(i->used_by, s.instance_names));
  }
  return std::vector{make_event(image_removed{i->name, i->path}, i->id, i->version + 1)};
}

void evolve(images& s, const events::event& e) {
  if (e.kind != "image" && e.kind != "task" && e.kind != "instance") return;
  if (auto id = parse_id(e.id)) fold_by<images>(fold_rules, s, *id, e);
}

nlohmann::json to_json(const image& i, const images& all) {
  auto j = to_json(i);
  j["used_by"] = instance_names_of(i.used_by, all.instance_names);
  return j;
}

nlohmann::json to_json(const image& i) {
  return {{"id", i.id}, {"name", i.name}, {"path", i.path}, {"format", i.format},
          {"virtual_size", i.virtual_size}, {"size", i.size}, {"sha256", i.sha256},
          {"source", source_json(i.source)}, {"min_cpu", i.minimums.min_cpu},
          {"min_ram", i.minimums.min_ram}, {"min_space", i.minimums.min_space},
          {"used_by", nlohmann::json::array()}, {"version", i.version},
          {"created", events::format_time(i.created_us)}, {"modified", events::format_time(i.modified_us)}};
}

nlohmann::json to_json(const task& t) {
  nlohmann::json object = {{"kind", "image"}, {"name", t.image_name}};
  if (t.state == "completed") object["id"] = t.image_id;
  if (!t.joined.empty()) {
    nlohmann::json also = nlohmann::json::array();
    for (const auto& j : t.joined) {
      also.push_back({{"kind", "image"}, {"name", j.name}});
      if (t.state == "completed") also.back()["id"] = j.image_id;
    }
    object["also"] = std::move(also);
  }
  return {{"id", t.id}, {"kind", t.kind}, {"state", t.state}, {"object", object},
          {"progress", {{"done", 0}, {"total", 0}, {"rate", 0.0}}}, {"message", t.message},
          {"created", events::format_time(t.created_us)}, {"modified", events::format_time(t.modified_us)}};
}

}  // namespace kaso::domain
