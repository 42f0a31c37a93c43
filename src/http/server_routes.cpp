// /api/v1/server and /api/v1/openapi.json: facts about this server and the API's description.
// With KASO_FAULT_INJECTION=1 in the server's environment (tests only), also
// POST /api/v1/debug/fail/{identities|images|instances}: the actor owning that read model fails,
// as if it threw, so that a test can watch the supervisor restart it.
#include <cstdlib>
#include <string_view>

#include <caf/send.hpp>

#include "actors/messages.hpp"
#include "http/api_context.hpp"
#include "http/json_io.hpp"

namespace kaso::http {
namespace {

bool fault_injection_enabled() {
  const char* v = std::getenv("KASO_FAULT_INJECTION");
  return v != nullptr && std::string_view(v) == "1";
}

route fail_route(const api_context& ctx) {
  return {"POST", "/api/v1/debug/fail/{ref}", [ctx](const request_context& rc, httplib::Response& res) {
            if (rc.param == "identities") {
              caf::anon_send(ctx.supervisor, actors::fail_atom_v, actors::identities_atom_v);
            } else if (rc.param == "images") {
              caf::anon_send(ctx.supervisor, actors::fail_atom_v, actors::images_atom_v);
            } else if (rc.param == "instances") {
              caf::anon_send(ctx.supervisor, actors::fail_atom_v, actors::instances_atom_v);
            } else {
              return write_error(res, error::not_found("no actor owns '" + rc.param + "'"));
            }
            write_json(res, 202, {{"failed", rc.param}});
          }};
}

}  // namespace

std::vector<route> server_routes(const api_context& ctx) {
  auto routes = std::vector<route>{
      {"GET", "/api/v1/server",
       [ctx](const request_context&, httplib::Response& res) {
         write_json(res, 200,
                    {{"version", ctx.info.version},
                     {"effective_user", ctx.info.effective_user},
                     {"owning_user", ctx.info.owning_user},
                     {"path", ctx.info.path},
                     {"pid", ctx.info.pid},
                     {"accelerator", ctx.info.accelerator},
                     {"accelerator_reason", ctx.info.accelerator_reason},
                     {"qemu", {{"binary", ctx.info.qemu_binary}, {"version", ctx.info.qemu_version}}},
                     {"paths",
                      {{"socket", ctx.info.socket},
                       {"events", ctx.info.events},
                       {"images", ctx.info.images},
                       {"instances", ctx.info.instances}}}});
       }},
      {"GET", "/api/v1/openapi.json",
       [](const request_context&, httplib::Response& res) {
         res.status = 200;
         res.set_content(openapi_document(), "application/json");
       }},
  };
  if (fault_injection_enabled()) routes.push_back(fail_route(ctx));
  return routes;
}

std::vector<route> all_routes(const api_context& ctx) {
  std::vector<route> all;
  for (auto part : {server_routes(ctx), identity_routes(ctx), image_routes(ctx), machine_routes(ctx), event_routes(ctx),
                    operation_routes(ctx)}) {
    for (auto& r : part) all.push_back(std::move(r));
  }
  return all;
}

}  // namespace kaso::http
