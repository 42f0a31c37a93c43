// The OpenAPI document describes exactly the routes the server registers: every route is in the
// document, and the document has no route the server does not serve.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/api_context.hpp"

namespace kaso::http {
namespace {

std::set<std::string> registered() {
  std::set<std::string> out;
  for (const auto& r : all_routes(api_context{})) {
    std::string m = r.method;
    std::transform(m.begin(), m.end(), m.begin(), ::tolower);
    out.insert(m + " " + r.path);
  }
  return out;
}

std::set<std::string> documented() {
  auto doc = nlohmann::json::parse(openapi_document());
  std::set<std::string> out;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (method != "parameters") out.insert(method + " " + path);
    }
  }
  return out;
}

TEST(openapi, documents_exactly_the_registered_routes) {
  auto doc = nlohmann::json::parse(openapi_document(), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  EXPECT_EQ(registered(), documented());
}

TEST(openapi, every_operation_documents_a_success_response) {
  auto doc = nlohmann::json::parse(openapi_document());
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      bool has_2xx = false;
      for (const auto& [code, r] : op.at("responses").items()) has_2xx |= code[0] == '2';
      EXPECT_TRUE(has_2xx) << method << " " << path;
    }
  }
}

}  // namespace
}  // namespace kaso::http
