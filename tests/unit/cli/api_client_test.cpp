// api_client against the fake server: each method's request, and how answers become values or
// kaso::error (the server's code and message, or a transport failure).
#include "cli/api_client.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "fake_api_server.hpp"

namespace kaso::cli {
namespace {

using testing::fake_api_server;

api_client client_for(const fake_api_server& server) {
  auto where = parse_endpoint(server.address());
  EXPECT_TRUE(where);
  return api_client(where.value());
}

TEST(api_client, methods_send_their_verb_path_and_json_body) {
  fake_api_server server;
  server.answer("GET", "/api/v1/a", 200, {{"got", 1}});
  server.answer("POST", "/api/v1/b", 201, {{"posted", 2}});
  server.answer("PATCH", "/api/v1/c", 200, {{"patched", 3}});
  server.answer("DELETE", "/api/v1/d", 200, {{"removed", 4}});
  auto api = client_for(server);

  EXPECT_EQ(api.get("/a").value(), (nlohmann::json{{"got", 1}}));
  EXPECT_EQ(api.post("/b", {{"x", 1}}).value(), (nlohmann::json{{"posted", 2}}));
  EXPECT_EQ(api.patch("/c", {{"y", "z"}}).value(), (nlohmann::json{{"patched", 3}}));
  EXPECT_EQ(api.del("/d").value(), (nlohmann::json{{"removed", 4}}));

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].method + " " + requests[0].target, "GET /api/v1/a");
  EXPECT_EQ(requests[1].method + " " + requests[1].target, "POST /api/v1/b");
  EXPECT_EQ(requests[1].body, R"({"x":1})");
  EXPECT_EQ(requests[2].method + " " + requests[2].target, "PATCH /api/v1/c");
  EXPECT_EQ(requests[2].body, R"({"y":"z"})");
  EXPECT_EQ(requests[3].method + " " + requests[3].target, "DELETE /api/v1/d");
  EXPECT_EQ(requests[0].header("Accept"), "application/json");
}

TEST(api_client, an_error_answer_carries_the_server_code_and_message) {
  fake_api_server server;
  server.answer("GET", "/api/v1/identities/x", 404,
                testing::api_error("not_found", "identity 'x' does not exist"));
  server.answer("POST", "/api/v1/identities", 409, testing::api_error("already_exists", "taken"));
  server.answer("GET", "/api/v1/odd", 403, testing::api_error("no_such_code", "m"));
  auto api = client_for(server);

  auto missing = api.get("/identities/x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), errc::not_found);
  EXPECT_EQ(missing.error().message(), "identity 'x' does not exist");

  auto taken = api.post("/identities", nlohmann::json::object());
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code(), errc::already_exists);

  auto odd = api.get("/odd");  // an unknown code string falls back to the status
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code(), errc::permission_denied);
  EXPECT_EQ(odd.error().message(), "m");
}

TEST(api_client, a_body_that_is_not_json) {
  fake_api_server server;
  server.answer_text("GET", "/api/v1/ok", 200, "not json");
  server.answer_text("GET", "/api/v1/bad", 502, "");
  server.answer_text("DELETE", "/api/v1/empty", 200, "");
  auto api = client_for(server);

  auto ok = api.get("/ok");
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().message(), "kaso-server sent an answer that is not JSON");
  auto bad = api.get("/bad");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), errc::internal);
  EXPECT_EQ(bad.error().message(), "kaso-server answered HTTP 502");
  auto empty = api.del("/empty");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->is_null());
}

TEST(api_client, no_server_is_unavailable) {
  testing::temp_dir dir;
  endpoint where;
  where.socket = dir.path() / "kaso.sock";
  api_client api(where);
  auto r = api.get("/server");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::unavailable);
  EXPECT_EQ(r.error().message(), "cannot connect to kaso-server at unix:" +
                                     where.socket.string() +
                                     ": no such socket (is kaso-server running?)");
}

TEST(read_bearer_token, trims_the_file_and_tolerates_its_absence) {
  testing::temp_dir dir;
  EXPECT_EQ(read_bearer_token(dir.path() / "absent").value(), "");
  std::ofstream(dir.path() / "token") << "  abc123\n";
  EXPECT_EQ(read_bearer_token(dir.path() / "token").value(), "abc123");
  std::ofstream(dir.path() / "empty");
  EXPECT_EQ(read_bearer_token(dir.path() / "empty").value(), "");
}

}  // namespace
}  // namespace kaso::cli
