#include "http/json_io.hpp"

#include <algorithm>

namespace kaso::http {

int status_for(errc code) {
  switch (code) {
    case errc::invalid_argument: return 400;
    case errc::unauthenticated: return 401;
    case errc::permission_denied: return 403;
    case errc::not_found: return 404;
    case errc::already_exists:
    case errc::conflict:
    case errc::cancelled: return 409;
    case errc::payload_too_large: return 413;
    case errc::unavailable: return 503;
    case errc::timeout: return 504;
    case errc::io_error:
    case errc::corruption:
    case errc::internal: return 500;
  }
  return 500;
}

void write_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void write_error(httplib::Response& res, const error& e) {
  write_json(res, status_for(e.code()),
             {{"error", {{"code", to_string(e.code())}, {"message", e.message()}}}});
}

result<nlohmann::json> parse_object(const httplib::Request& req,
                                    std::initializer_list<std::string_view> allowed) {
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return error::invalid_argument("request body is not valid JSON");
  if (!body.is_object()) return error::invalid_argument("request body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return error::invalid_argument("unknown field '" + key + "'");
    }
  }
  return body;
}

result<std::optional<std::string>> optional_string(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return error::invalid_argument(std::string("'") + key + "' must be a string");
  return std::optional<std::string>{it->get<std::string>()};
}

}  // namespace kaso::http
