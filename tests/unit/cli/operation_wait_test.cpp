// Issue #18 and #16: following an operation on a terminal. While the server works, one line says
// what it waits for, redrawn with the seconds waited and ended with a newline; an operation that
// outlasts the client's bound is a timeout that says the server goes on with it.
#include "cli/instance/operation_wait.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/endpoint.hpp"
#include "fake_api_server.hpp"

namespace kaso::cli {
namespace {

using testing::fake_api_server;

api_client client_for(const fake_api_server& server) { return api_client(parse_endpoint(server.address()).value()); }

// A terminal 80 columns wide, on a clock that moves a second at each reading.
task::wait_env terminal_env(std::chrono::steady_clock::time_point& clock) {
  return {[] {}, [&clock] { return clock += std::chrono::seconds(1); },
          [](const std::ostream&) { return std::size_t{80}; }};
}

TEST(operation_wait, issue_16_a_terminal_shows_what_the_server_waits_for_until_the_end) {
  fake_api_server server;
  server.answer("POST", "/api/v1/instances/vm1/stop", 202, {{"id", 4}, {"state", "running"}});
  server.answer("GET", "/api/v1/operations/4?wait=1", 200, {{"id", 4}, {"state", "succeeded"}, {"result", {{"name", "vm1"}}}});
  auto api = client_for(server);
  std::chrono::steady_clock::time_point clock{};
  std::ostringstream progress;
  auto answer = instance::run_as_operation(api, "/instances/vm1/stop", nlohmann::json::object(), std::chrono::seconds(60),
                                           "Stopping vm1: ACPI power-down sent", progress, terminal_env(clock));
  ASSERT_TRUE(answer.ok()) << answer.error().to_string();
  EXPECT_EQ((*answer)["name"], "vm1");
  EXPECT_EQ(progress.str(), "\rStopping vm1: ACPI power-down sent (1 s)\n");
}

TEST(operation_wait, issue_18_an_operation_past_the_bound_is_a_timeout_and_goes_on) {
  fake_api_server server;
  server.answer("POST", "/api/v1/instances/vm1/stop", 202, {{"id", 5}, {"state", "running"}});
  server.answer("GET", "/api/v1/operations/5?wait=1", 200, {{"id", 5}, {"state", "running"}});
  auto api = client_for(server);
  std::chrono::steady_clock::time_point clock{};
  std::ostringstream progress;
  auto answer = instance::run_as_operation(api, "/instances/vm1/stop", nlohmann::json::object(), std::chrono::seconds(3),
                                           "Stopping vm1", progress, terminal_env(clock));
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code(), errc::timeout);
  EXPECT_EQ(answer.error().message(), "no end after 3 s; kaso-server goes on with it (operation 5)");
  EXPECT_EQ(progress.str(), "\rStopping vm1 (1 s)\rStopping vm1 (2 s)\n");
}

TEST(operation_wait, issue_18_a_server_that_answers_at_once_is_taken_as_it_answers) {
  fake_api_server server;
  server.answer("POST", "/api/v1/instances/vm1/start", 200, {{"name", "vm1"}, {"state", "running"}});
  auto api = client_for(server);
  std::chrono::steady_clock::time_point clock{};
  std::ostringstream progress;
  auto answer = instance::run_as_operation(api, "/instances/vm1/start", nlohmann::json::object(), std::chrono::seconds(3),
                                           "Starting vm1", progress, terminal_env(clock));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ((*answer)["state"], "running");
  EXPECT_EQ(progress.str(), "");
  EXPECT_EQ(server.requests().size(), 1u);
}

}  // namespace
}  // namespace kaso::cli
