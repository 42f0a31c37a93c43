// /api/v1/identities: the identity commands and queries. Passwords are hashed here, on the HTTP
// thread, before the command reaches the identity manager: the plaintext goes no further.
#include "actors/ask.hpp"
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

template <class Reply, class... Ts>
void answer(const api_context& ctx, httplib::Response& res, int status, Ts&&... xs) {
  auto r = actors::ask<Reply>(*ctx.sys, ctx.supervisor, std::forward<Ts>(xs)...);
  if (!r.ok()) return write_error(res, r.error());
  if constexpr (std::is_same_v<Reply, actors::json_text>) {
    res.status = status;
    res.set_content(*r.value(), "application/json");
  } else {
    write_json(res, status, domain::to_json(r.value()));
  }
}

}  // namespace

std::vector<route> identity_routes(const api_context& ctx) {
  const std::string what = "identities";
  return {
      {"GET", "/api/v1/identities",
       [ctx, what](const request_context& rc, httplib::Response& res) {
         answer<actors::json_text>(ctx, res, 200, actors::list_atom_v, what);
       }},
      {"POST", "/api/v1/identities",
       [ctx](const request_context& rc, httplib::Response& res) {
         auto changes = read_changes(rc.req);
         if (!changes.ok()) return write_error(res, changes.error());
         answer<domain::identity>(ctx, res, 201, domain::create_identity{std::move(changes.value())},
                                  rc.who);
       }},
      {"GET", "/api/v1/identities/{ref}",
       [ctx, what](const request_context& rc, httplib::Response& res) {
         answer<domain::identity>(ctx, res, 200, actors::get_atom_v, what, rc.param);
       }},
      {"PATCH", "/api/v1/identities/{ref}",
       [ctx](const request_context& rc, httplib::Response& res) {
         auto changes = read_changes(rc.req);
         if (!changes.ok()) return write_error(res, changes.error());
         answer<domain::identity>(ctx, res, 200,
                                  domain::modify_identity{rc.param, std::move(changes.value())}, rc.who);
       }},
      {"DELETE", "/api/v1/identities/{ref}",
       [ctx](const request_context& rc, httplib::Response& res) {
         auto r = actors::ask<domain::identity>(*ctx.sys, ctx.supervisor,
                                                domain::remove_identity{rc.param}, rc.who);
         if (!r.ok()) return write_error(res, r.error());
         write_json(res, 200, {{"removed", domain::to_json(r.value())}});
       }},
  };
}

}  // namespace kaso::http
