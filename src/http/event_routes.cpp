// /api/v1/events: the recorded events, read straight from the log (the store is thread-safe).
#include <charconv>

#include "events/codec.hpp"
#include "events/event_store.hpp"
#include "http/api_context.hpp"
#include "http/json_io.hpp"

namespace kaso::http {
namespace {

result<std::uint64_t> number_param(const httplib::Request& req, const char* key, std::uint64_t fallback) {
  if (!req.has_param(key)) return fallback;
  auto text = req.get_param_value(key);
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return error::invalid_argument(std::string("'") + key + "' must be a non-negative integer");
  }
  return v;
}

}  // namespace

std::vector<route> event_routes(const api_context& ctx) {
  return {
      {"GET", "/api/v1/events",
       [ctx](const request_context& rc, httplib::Response& res) {
         auto since = number_param(rc.req, "since", 1);
         auto limit = number_param(rc.req, "limit", 10000);
         if (!since.ok()) return write_error(res, since.error());
         if (!limit.ok()) return write_error(res, limit.error());
         std::string kind = rc.req.get_param_value("kind");
         std::string id = rc.req.get_param_value("id");
         nlohmann::json out = nlohmann::json::array();
         std::uint64_t left = limit.value();
         auto s = ctx.store->read(std::max<std::uint64_t>(since.value(), 1), [&](const events::event& e) {
           if (left == 0) return false;
           if ((kind.empty() || e.kind == kind) && (id.empty() || e.id == id)) {
             out.push_back(events::to_json(e));
             --left;
           }
           return true;
         });
         if (!s.ok()) return write_error(res, s.error());
         write_json(res, 200, out);
       }},
  };
}

}  // namespace kaso::http
