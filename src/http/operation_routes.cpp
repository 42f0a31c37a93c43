// GET /api/v1/operations and /api/v1/operations/{id}[?wait=SECONDS] (operations.hpp), and the
// start of an operation for the routes that answer long requests with one (actor_answer.hpp).
#include <charconv>

#include <caf/event_based_actor.hpp>

#include "http/actor_answer.hpp"
#include "http/operations.hpp"

namespace kaso::http {
namespace {

// Runs one operation: sends `msg` to the supervisor, records the answer (or the error, a timeout
// included) in `ops`, and ends. A named function, not a capturing lambda (see actors/blocking.hpp).
caf::behavior operation_runner(caf::event_based_actor* self, std::shared_ptr<operations> ops, std::uint64_t id,
                               actors::supervisor_actor supervisor, caf::timespan timeout, caf::message msg) {
  self->request(caf::actor_cast<caf::actor>(supervisor), timeout, std::move(msg))
      .then([ops, id](actors::json_text& answer) { ops->finish(id, std::string(*answer)); },
            [ops, id](const caf::error& e) { ops->finish(id, actors::from_caf(e)); });
  return {};
}

result<std::uint64_t> parse_id(const std::string& text) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return error::not_found("operation '" + text + "' does not exist");
  }
  return id;
}

// ?wait=SECONDS, 0 when absent; at most operations::max_wait.
result<std::chrono::milliseconds> parse_wait(const httplib::Request& req) {
  if (!req.has_param("wait")) return std::chrono::milliseconds(0);
  const auto text = req.get_param_value("wait");
  unsigned seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || seconds > operations::max_wait.count()) {
    return error::invalid_argument("wait must be a number of seconds from 0 to " +
                                   std::to_string(operations::max_wait.count()));
  }
  return std::chrono::milliseconds(std::chrono::seconds(seconds));
}

}  // namespace

bool prefers_async(const httplib::Request& req) {
  // RFC 7240: a list of preferences; respond-async is a token among them.
  const auto prefer = req.get_header_value("Prefer");
  for (std::size_t at = 0; at < prefer.size();) {
    auto comma = prefer.find(',', at);
    auto token = prefer.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    auto first = token.find_first_not_of(" \t");
    auto last = token.find_last_not_of(" \t");
    if (first != std::string::npos && token.substr(first, last - first + 1) == "respond-async") return true;
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return false;
}

void answer_operation(const api_context& ctx, httplib::Response& res, std::string action, std::string target,
                      caf::timespan timeout, caf::message msg) {
  auto id = ctx.ops->begin(std::move(action), std::move(target));
  if (!id.ok()) return write_error(res, id.error());
  ctx.sys->spawn(operation_runner, ctx.ops, *id, ctx.supervisor, timeout, std::move(msg));
  res.set_header("Location", "/api/v1/operations/" + std::to_string(*id));
  res.set_header("Preference-Applied", "respond-async");
  write_json(res, 202, *ctx.ops->view(*id));
}

std::vector<route> operation_routes(const api_context& ctx) {
  return {
      {"GET", "/api/v1/operations",
       [ctx](const request_context&, httplib::Response& res) { write_json(res, 200, ctx.ops->list()); }},
      {"GET", "/api/v1/operations/{id}",
       [ctx](const request_context& rc, httplib::Response& res) {
         auto id = parse_id(rc.param);
         if (!id.ok()) return write_error(res, id.error());
         auto wait = parse_wait(rc.req);
         if (!wait.ok()) return write_error(res, wait.error());
         auto view = ctx.ops->view(*id, *wait);
         if (!view) return write_error(res, error::not_found("operation " + rc.param + " does not exist"));
         write_json(res, 200, *view);
       }},
  };
}

}  // namespace kaso::http
