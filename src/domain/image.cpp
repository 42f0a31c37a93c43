#include "domain/image.hpp"

#include <charconv>

#include "domain/names.hpp"
#include "domain/payload.hpp"
#include "events/codec.hpp"

namespace kaso::domain {
namespace {

nlohmann::json source_json(const image_source& s) {
  return {{"kind", s.kind}, {"url", s.url}, {"predefined", s.predefined}, {"file", s.file}};
}

image_source read_source(const nlohmann::json& j) {
  image_source s;
  if (!j.is_object()) return s;
  payload::take(j, "kind", s.kind);
  payload::take(j, "url", s.url);
  payload::take(j, "predefined", s.predefined);
  payload::take(j, "file", s.file);
  return s;
}

void put_minimums(nlohmann::json& p, const image_minimums& m) {
  p["min_cpu"] = m.min_cpu;
  p["min_ram"] = m.min_ram;
  p["min_space"] = m.min_space;
}

void read_minimums(const nlohmann::json& p, image_minimums& m) {
  payload::take(p, "min_cpu", m.min_cpu);
  payload::take(p, "min_ram", m.min_ram);
  payload::take(p, "min_space", m.min_space);
}

events::event make(const char* kind, std::uint64_t id, std::uint64_t version, const char* type,
                   nlohmann::json payload) {
  events::event e;
  e.kind = kind;
  e.id = std::to_string(id);
  e.version = version;
  e.type = type;
  e.payload = std::move(payload);
  return e;
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
    nlohmann::json p = {{"image_name", c.name}, {"image_id", s.next_id}};
    put_minimums(p, c.minimums);
    return std::vector{make("task", t->id, t->version + 1, "task.joined", std::move(p))};
  }
  nlohmann::json p = {{"kind", c.source.kind == "file" ? "image.import" : "image.download"},
                      {"image_name", c.name},
                      {"image_id", s.next_id},
                      {"source", source_json(c.source)},
                      {"sha256", c.sha256}};
  put_minimums(p, c.minimums);
  return std::vector{make("task", s.next_task_id, 1, "task.started", std::move(p))};
}

result<std::vector<events::event>> decide(const images& s, const complete_image_task& c) {
  auto t = running_task(s, c.task_id);
  if (!t.ok()) return t.error();
  const task& task = *t.value();
  nlohmann::json p = {{"name", task.image_name}, {"path", c.path}, {"format", c.format},
                      {"virtual_size", c.virtual_size}, {"size", c.size}, {"sha256", c.sha256},
                      {"source", source_json(task.source)}, {"task_id", task.id}};
  put_minimums(p, task.minimums);
  std::vector<events::event> out{make("image", task.image_id, 1, "image.created", p)};
  for (const auto& j : task.joined) {
    auto path = c.joined_paths.find(j.image_id);
    if (path == c.joined_paths.end()) return error::internal("no file for image '" + j.name + "'");
    auto q = p;
    q["name"] = j.name;
    q["path"] = path->second;
    put_minimums(q, j.minimums);
    out.push_back(make("image", j.image_id, 1, "image.created", std::move(q)));
  }
  out.push_back(make("task", task.id, task.version + 1, "task.completed", {{"image_id", task.image_id}}));
  return out;
}

result<std::vector<events::event>> decide(const images& s, const fail_image_task& c) {
  auto t = running_task(s, c.task_id);
  if (!t.ok()) return t.error();
  return std::vector{make("task", c.task_id, t.value()->version + 1, "task.failed", {{"message", c.message}})};
}

result<std::vector<events::event>> decide(const images& s, const cancel_task& c) {
  auto t = running_task(s, c.task_id);
  if (!t.ok()) return t.error();
  return std::vector{make("task", c.task_id, t.value()->version + 1, "task.cancelled", nlohmann::json::object())};
}

result<std::vector<events::event>> decide(const images& s, const modify_image& c) {
  const image* i = s.resolve(c.ref);
  if (i == nullptr) return error::not_found("image '" + c.ref + "' does not exist");
  nlohmann::json p = nlohmann::json::object();
  if (c.name && *c.name != i->name) {
    if (auto v = validate_name("image", *c.name); !v.ok()) return v.error();
    if (s.id_by_name.contains(*c.name) || s.running_task_for(*c.name)) {
      return error::already_exists("image '" + *c.name + "' already exists");
    }
    p["name"] = *c.name;
  }
  if (c.min_cpu) p["min_cpu"] = *c.min_cpu;
  if (c.min_ram) p["min_ram"] = *c.min_ram;
  if (c.min_space) p["min_space"] = *c.min_space;
  if (p.empty()) return std::vector<events::event>{};
  return std::vector{make("image", i->id, i->version + 1, "image.modified", std::move(p))};
}

result<std::vector<events::event>> decide(const images& s, const remove_image& c) {
  const image* i = s.resolve(c.ref);
  if (i == nullptr) return error::not_found("image '" + c.ref + "' does not exist");
  if (!i->used_by.empty()) {
    std::string users;
    for (auto id : i->used_by) {
      auto name = s.instance_names.find(id);
      users += (users.empty() ? "" : ", ") + (name != s.instance_names.end() ? name->second : std::to_string(id));
    }
    return error::conflict("image '" + i->name + "' is used by instances: " + users);
  }
  return std::vector{make("image", i->id, i->version + 1, "image.removed", {{"name", i->name}, {"path", i->path}})};
}

void evolve(images& s, const events::event& e) {
  auto id = parse_id(e.id);
  if (!id) return;
  const auto& p = e.payload;
  if (e.kind == "instance") {
    if (e.type == "instance.created") {
      auto image = s.by_id.find(payload::number(p, "image_id", std::uint64_t{0}));
      if (image != s.by_id.end()) image->second.used_by.insert(*id);
      s.instance_names[*id] = payload::text(p, "name");
    } else if (e.type == "instance.removed") {
      for (auto& [image_id, i] : s.by_id) i.used_by.erase(*id);
      s.instance_names.erase(*id);
    }
    return;
  }
  if (e.kind == "task") {
    if (e.type == "task.started") {
      task t;
      t.id = *id;
      t.kind = payload::text(p, "kind");
      t.state = "running";
      t.image_name = payload::text(p, "image_name");
      t.image_id = payload::number(p, "image_id", std::uint64_t{0});
      t.source = read_source(payload::object(p, "source"));
      t.sha256 = payload::text(p, "sha256");
      read_minimums(p, t.minimums);
      t.caller_uid = e.caused_by.uid;
      t.version = e.version;
      t.created_us = t.modified_us = e.time_us;
      s.tasks[*id] = std::move(t);
      s.next_task_id = std::max(s.next_task_id, *id + 1);
      s.next_id = std::max(s.next_id, s.tasks[*id].image_id + 1);  // the image id is reserved
      return;
    }
    auto it = s.tasks.find(*id);
    if (it == s.tasks.end()) return;
    task& t = it->second;
    if (e.type == "task.joined") {
      joined_image j{payload::text(p, "image_name"), payload::number(p, "image_id", std::uint64_t{0}), {}};
      read_minimums(p, j.minimums);
      s.next_id = std::max(s.next_id, j.image_id + 1);
      t.joined.push_back(std::move(j));
    } else if (e.type == "task.completed") t.state = "completed";
    else if (e.type == "task.failed") t.state = "failed", t.message = payload::text(p, "message");
    else if (e.type == "task.cancelled") t.state = "cancelled", t.message = "cancelled";
    else return;
    t.version = e.version;
    t.modified_us = e.time_us;
    return;
  }
  if (e.kind != "image") return;
  if (e.type == "image.created") {
    image i;
    i.id = *id;
    i.name = payload::text(p, "name");
    i.path = payload::text(p, "path");
    i.format = payload::text(p, "format");
    i.virtual_size = payload::number(p, "virtual_size", std::uint64_t{0});
    i.size = payload::number(p, "size", std::uint64_t{0});
    i.sha256 = payload::text(p, "sha256");
    i.source = read_source(payload::object(p, "source"));
    read_minimums(p, i.minimums);
    i.version = e.version;
    i.created_us = i.modified_us = e.time_us;
    s.id_by_name[i.name] = *id;
    s.by_id[*id] = std::move(i);
    s.next_id = std::max(s.next_id, *id + 1);
    return;
  }
  auto it = s.by_id.find(*id);
  if (it == s.by_id.end()) return;
  image& i = it->second;
  if (e.type == "image.modified") {
    if (p.contains("name") && p["name"].is_string()) {
      s.id_by_name.erase(i.name);
      i.name = p["name"];
      s.id_by_name[i.name] = *id;
    }
    read_minimums(p, i.minimums);
    i.version = e.version;
    i.modified_us = e.time_us;
  } else if (e.type == "image.removed") {
    s.id_by_name.erase(i.name);
    s.by_id.erase(it);
  }
}

nlohmann::json to_json(const image& i, const images& all) {
  nlohmann::json used_by = nlohmann::json::array();
  for (auto id : i.used_by) {
    auto name = all.instance_names.find(id);
    used_by.push_back(name != all.instance_names.end() ? name->second : std::to_string(id));
  }
  auto j = to_json(i);
  j["used_by"] = std::move(used_by);
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
