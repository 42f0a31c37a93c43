// /api/v1/identities: the identity commands and queries. Passwords are hashed here, on the HTTP
// thread, before the command reaches the identity manager: the plaintext goes no further.
#include "http/actor_answer.hpp"
#include "crypto/password_hash.hpp"
#include "http/api_context.hpp"
#include "http/json_io.hpp"

namespace kaso::http {
namespace {

const std::initializer_list<std::string_view> identity_fields = {
    "name", "public_key", "password", "gecos", "homedir", "shell"};

result<domain::identity_changes> read_changes(const httplib::Request& req) {
  auto body = parse_object(req, identity_fields);
  if (!body.ok()) return body.error();
  domain::identity_changes c;
  std::optional<std::string> password;
  for (auto [key, out] : {std::pair{"name", &c.name}, {"public_key", &c.public_key},
                          {"gecos", &c.gecos}, {"homedir", &c.homedir}, {"shell", &c.shell},
                          {"password", &password}}) {
    auto v = optional_string(body.value(), key);
    if (!v.ok()) return v.error();
    *out = std::move(v.value());
  }
  if (password) {
    auto hash = crypto::hash_password(*password);
    if (!hash.ok()) return hash.error();
    c.password_hash = std::move(hash.value());
  }
  return c;
}

}  // namespace

std::vector<route> identity_routes(const api_context& ctx) {
  return {
      {"GET", "/api/v1/identities",
       [ctx](const request_context& rc, httplib::Response& res) {
         answer(ctx, res, 200, actors::list_atom_v, actors::identities_atom_v);
       }},
      {"POST", "/api/v1/identities",
       [ctx](const request_context& rc, httplib::Response& res) {
         auto changes = read_changes(rc.req);
         if (!changes.ok()) return write_error(res, changes.error());
         answer(ctx, res, 201, domain::create_identity{std::move(changes.value())}, rc.who);
       }},
      {"GET", "/api/v1/identities/{ref}",
       [ctx](const request_context& rc, httplib::Response& res) {
         answer(ctx, res, 200, actors::get_atom_v, actors::identities_atom_v, rc.param);
       }},
      {"PATCH", "/api/v1/identities/{ref}",
       [ctx](const request_context& rc, httplib::Response& res) {
         auto changes = read_changes(rc.req);
         if (!changes.ok()) return write_error(res, changes.error());
         answer(ctx, res, 200, domain::modify_identity{rc.param, std::move(changes.value())}, rc.who);
       }},
      {"DELETE", "/api/v1/identities/{ref}",
       [ctx](const request_context& rc, httplib::Response& res) {
         answer(ctx, res, 200, domain::remove_identity{rc.param}, rc.who);
       }},
  };
}

}  // namespace kaso::http
