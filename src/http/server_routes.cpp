// /api/v1/server and /api/v1/openapi.json: facts about this server and the API's description.
#include "http/api_context.hpp"
#include "http/json_io.hpp"

namespace kaso::http {

std::vector<route> server_routes(const api_context& ctx) {
  return {
      {"GET", "/api/v1/server",
       [ctx](const request_context&, httplib::Response& res) {
         write_json(res, 200,
                    {{"version", ctx.info.version},
                     {"effective_user", ctx.info.effective_user},
                     {"owning_user", ctx.info.owning_user},
                     {"path", ctx.info.path},
                     {"pid", ctx.info.pid}});
       }},
      {"GET", "/api/v1/openapi.json",
       [](const request_context&, httplib::Response& res) {
         res.status = 200;
         res.set_content(openapi_document(), "application/json");
       }},
  };
}

std::vector<route> all_routes(const api_context& ctx) {
  std::vector<route> all;
  for (auto part : {server_routes(ctx), identity_routes(ctx), image_routes(ctx), machine_routes(ctx), event_routes(ctx)}) {
    for (auto& r : part) all.push_back(std::move(r));
  }
  return all;
}

}  // namespace kaso::http
