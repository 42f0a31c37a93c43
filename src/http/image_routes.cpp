// /api/v1/images, /api/v1/images/catalogue and /api/v1/tasks. Creating an image starts a task and
// answers 202 with it; the task's progress is read with GET /api/v1/tasks/{id}.
#include <charconv>

#include "http/actor_answer.hpp"
#include "images/catalogue.hpp"
#include "platform/file_io.hpp"

namespace kaso::http {
namespace {

result<std::optional<std::uint64_t>> optional_count(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<std::uint64_t>{};
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > (1LL << 40)) {
    return error::invalid_argument(std::string("'") + key + "' must be a non-negative integer");
  }
  return std::optional<std::uint64_t>{it->get<std::uint64_t>()};
}

result<domain::start_image_task> read_create(const httplib::Request& req) {
  auto body = parse_object(req, {"name", "url", "predefined", "file", "sha256", "min_cpu", "min_ram", "min_space"});
  if (!body.ok()) return body.error();
  domain::start_image_task c;
  std::optional<std::string> name, url, predefined, file, sha256;
  for (auto [key, out] : {std::pair{"name", &name}, {"url", &url}, {"predefined", &predefined},
                          {"file", &file}, {"sha256", &sha256}}) {
    auto v = optional_string(body.value(), key);
    if (!v.ok()) return v.error();
    *out = std::move(v.value());
  }
  if (!name) return error::invalid_argument("an image needs a name");
  if ((url ? 1 : 0) + (predefined ? 1 : 0) + (file ? 1 : 0) != 1) {
    return error::invalid_argument("give exactly one of url, predefined and file");
  }
  c.name = *name;
  if (url) c.source = {"url", *url, "", ""};
  if (predefined) c.source = {"predefined", "", *predefined, ""};
  if (file) c.source = {"file", "", "", *file};
  c.sha256 = sha256.value_or("");
  for (auto [key, out] : {std::pair{"min_cpu", &c.minimums.min_cpu}, {"min_ram", &c.minimums.min_ram},
                          {"min_space", &c.minimums.min_space}}) {
    auto v = optional_count(body.value(), key);
    if (!v.ok()) return v.error();
    if (v.value()) *out = *v.value();
  }
  return c;
}

result<domain::modify_image> read_modify(const httplib::Request& req, std::string ref) {
  auto body = parse_object(req, {"name", "min_cpu", "min_ram", "min_space"});
  if (!body.ok()) return body.error();
  domain::modify_image m{std::move(ref)};
  auto name = optional_string(body.value(), "name");
  if (!name.ok()) return name.error();
  m.name = name.value();
  for (auto [key, out] : {std::pair{"min_cpu", &m.min_cpu}, {"min_ram", &m.min_ram}, {"min_space", &m.min_space}}) {
    auto v = optional_count(body.value(), key);
    if (!v.ok()) return v.error();
    *out = v.value();
  }
  return m;
}

// A task id is all digits: "1xyz" is no task, not task 1 (issue #15).
result<std::uint64_t> task_id(const std::string& text) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return error::not_found("task '" + text + "' does not exist");
  }
  return id;
}

}  // namespace

std::vector<route> image_routes(const api_context& ctx) {
  return {
      {"GET", "/api/v1/images",
       [=](const request_context&, httplib::Response& res) { answer(ctx, res, 200, actors::list_atom_v, actors::images_atom_v); }},
      {"POST", "/api/v1/images",
       [=](const request_context& rc, httplib::Response& res) {
         auto c = read_create(rc.req);
         if (!c.ok()) return write_error(res, c.error());
         // What can be checked before a task starts is (issue #16: a missing file was a task that
         // failed later, and --no-wait said nothing). The task opens the file again, as the caller.
         if (c->source.kind == "file") {
           if (auto f = platform::open_regular_file_for(rc.who.uid, c->source.file); !f.ok()) {
             return write_error(res, f.error());
           }
         }
         answer(ctx, res, 202, std::move(c.value()), rc.who);
       }},
      {"GET", "/api/v1/images/catalogue",
       [=](const request_context& rc, httplib::Response& res) {
         // Only an architecture kaso knows (issue #15: arch=../../x was answered).
         auto arch = rc.req.get_param_value("arch");
         if (!arch.empty() && !images::parse_cpu_arch(arch)) {
           return write_error(res, error::invalid_argument("arch must be x86_64 or aarch64, not '" + arch + "'"));
         }
         answer(ctx, res, 200, actors::get_atom_v, actors::catalogue_atom_v, arch);
       }},
      {"GET", "/api/v1/images/{ref}",
       [=](const request_context& rc, httplib::Response& res) {
         answer(ctx, res, 200, actors::get_atom_v, actors::images_atom_v, rc.param);
       }},
      {"PATCH", "/api/v1/images/{ref}",
       [=](const request_context& rc, httplib::Response& res) {
         auto m = read_modify(rc.req, rc.param);
         if (!m.ok()) return write_error(res, m.error());
         answer(ctx, res, 200, std::move(m.value()), rc.who);
       }},
      {"DELETE", "/api/v1/images/{ref}",
       [=](const request_context& rc, httplib::Response& res) {
         answer(ctx, res, 200, domain::remove_image{rc.param}, rc.who);
       }},
      {"GET", "/api/v1/tasks",
       [=](const request_context&, httplib::Response& res) { answer(ctx, res, 200, actors::list_atom_v, actors::tasks_atom_v); }},
      {"GET", "/api/v1/tasks/{id}",
       [=](const request_context& rc, httplib::Response& res) {
         answer(ctx, res, 200, actors::get_atom_v, actors::tasks_atom_v, rc.param);
       }},
      {"POST", "/api/v1/tasks/{id}/cancel",
       [=](const request_context& rc, httplib::Response& res) {
         auto id = task_id(rc.param);
         if (!id.ok()) return write_error(res, id.error());
         answer(ctx, res, 200, domain::cancel_task{*id}, rc.who);
       }},
  };
}

}  // namespace kaso::http
