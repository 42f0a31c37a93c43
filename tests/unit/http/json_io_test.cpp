// Request bodies: unknown fields, wrong types and malformed JSON are invalid_argument; each errc
// maps to the documented HTTP status; the error body has code and message.
#include "http/json_io.hpp"

#include <gtest/gtest.h>

namespace kaso::http {
namespace {

httplib::Request with_body(std::string body) {
  httplib::Request r;
  r.body = std::move(body);
  return r;
}

TEST(json_io, parse_object_refuses_what_is_not_an_object_of_known_fields) {
  EXPECT_TRUE(parse_object(with_body(R"({"name":"a"})"), {"name"}).ok());
  for (auto body : {"", "{", "[]", "\"x\"", R"({"name":"a","extra":1})"}) {
    auto r = parse_object(with_body(body), {"name"});
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code(), errc::invalid_argument);
  }
}

TEST(json_io, optional_string_checks_types) {
  nlohmann::json j = {{"s", "x"}, {"n", 1}, {"z", nullptr}};
  EXPECT_EQ(optional_string(j, "s").value(), std::optional<std::string>("x"));
  EXPECT_FALSE(optional_string(j, "missing").value().has_value());
  EXPECT_FALSE(optional_string(j, "z").value().has_value());
  EXPECT_EQ(optional_string(j, "n").error().code(), errc::invalid_argument);
}

TEST(json_io, errors_map_to_statuses_and_a_json_body) {
  EXPECT_EQ(status_for(errc::invalid_argument), 400);
  EXPECT_EQ(status_for(errc::unauthenticated), 401);
  EXPECT_EQ(status_for(errc::not_found), 404);
  EXPECT_EQ(status_for(errc::already_exists), 409);
  EXPECT_EQ(status_for(errc::conflict), 409);
  EXPECT_EQ(status_for(errc::payload_too_large), 413);
  EXPECT_EQ(status_for(errc::unavailable), 503);
  EXPECT_EQ(status_for(errc::internal), 500);
  httplib::Response res;
  write_error(res, error::not_found("identity 'x' does not exist"));
  EXPECT_EQ(res.status, 404);
  auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["error"]["code"], "not_found");
  EXPECT_EQ(j["error"]["message"], "identity 'x' does not exist");
}

}  // namespace
}  // namespace kaso::http
