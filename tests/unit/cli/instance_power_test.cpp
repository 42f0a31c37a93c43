// kaso instance start, stop and restart against a fake kaso-server: the request each sends (with
// the stop options only when given), the line it prints, -o json, and the server's errors.
#include <gtest/gtest.h>

#include "instance_test_data.hpp"
#include "verb_fixture.hpp"

namespace kaso::cli {
namespace {

using testing::running_vm1;
using testing::stopped_vm2;

class instance_power : public testing::verb_fixture {};

TEST_F(instance_power, start_posts_an_empty_body_and_names_the_pid) {
  server.answer("POST", "/api/v1/instances/vm1/start", 200, running_vm1());

  auto r = kaso({"instance", "start", "vm1"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Started instance vm1 (pid 1234)\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/instances/vm1/start");
  EXPECT_EQ(request.json(), nlohmann::json::object());
}

TEST_F(instance_power, start_by_id_prints_json) {
  server.answer("POST", "/api/v1/instances/1/start", 200, running_vm1());
  auto r = kaso({"instance", "start", "--id", "1", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, running_vm1().dump(2) + "\n");
  EXPECT_EQ(only_request().target, "/api/v1/instances/1/start");
}

TEST_F(instance_power, start_of_a_running_instance_shows_the_server_message) {
  server.answer("POST", "/api/v1/instances/vm1/start", 409,
                testing::api_error("conflict", "instance 'vm1' is already running"));
  auto r = kaso({"instance", "start", "--name", "vm1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: instance 'vm1' is already running\n");
}

TEST_F(instance_power, stop_without_options_leaves_the_wait_to_the_server) {
  auto stopped = stopped_vm2();
  stopped["name"] = "vm1";
  server.answer("POST", "/api/v1/instances/vm1/stop", 200, stopped);

  auto r = kaso({"instance", "stop", "vm1"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Stopped instance vm1\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/instances/vm1/stop");
  EXPECT_EQ(request.json(), nlohmann::json::object());
}

TEST_F(instance_power, stop_sends_the_timeout_and_force) {
  server.answer("POST", "/api/v1/instances/my%20vm/stop", 200, stopped_vm2());

  auto r = kaso({"instance", "stop", "--name", "my vm", "--timeout", "90", "--force"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "Stopped instance vm2\n");
  auto request = only_request();
  EXPECT_EQ(request.target, "/api/v1/instances/my%20vm/stop");
  EXPECT_EQ(request.json(), (nlohmann::json{{"timeout", 90}, {"force", true}}));
}

TEST_F(instance_power, stop_with_json_prints_the_instance) {
  server.answer("POST", "/api/v1/instances/2/stop", 200, stopped_vm2());
  auto r = kaso({"instance", "stop", "--id", "2", "--timeout", "0", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, stopped_vm2().dump(2) + "\n");
  EXPECT_EQ(only_request().json(), (nlohmann::json{{"timeout", 0}}));
}

TEST_F(instance_power, stop_that_times_out_on_the_server_shows_its_message) {
  server.answer("POST", "/api/v1/instances/vm1/stop", 504,
                testing::api_error("timeout", "instance 'vm1' did not power off within 5 s"));
  auto r = kaso({"instance", "stop", "vm1", "--timeout", "5"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: instance 'vm1' did not power off within 5 s\n");
}

TEST_F(instance_power, restart_sends_the_stop_options_and_names_the_new_pid) {
  auto restarted = running_vm1();
  restarted["pid"] = 1240;
  server.answer("POST", "/api/v1/instances/vm1/restart", 200, restarted);

  auto r = kaso({"instance", "restart", "vm1", "--timeout", "30"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Restarted instance vm1 (pid 1240)\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/instances/vm1/restart");
  EXPECT_EQ(request.json(), (nlohmann::json{{"timeout", 30}}));
}

TEST_F(instance_power, restart_with_force_prints_json) {
  server.answer("POST", "/api/v1/instances/vm1/restart", 200, running_vm1());
  auto r = kaso({"instance", "restart", "vm1", "--force", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, running_vm1().dump(2) + "\n");
  EXPECT_EQ(only_request().json(), (nlohmann::json{{"force", true}}));
}

// Issue #18: the long requests go as operations. The server answers at once (202); the CLI follows
// the operation and reports its end as it would the answer.
TEST_F(instance_power, issue_18_a_stop_answered_with_an_operation_is_followed_to_its_end) {
  auto stopped = stopped_vm2();
  stopped["name"] = "vm1";
  server.answer("POST", "/api/v1/instances/vm1/stop", 202,
                {{"id", 7}, {"action", "stop"}, {"target", "vm1"}, {"state", "running"}});
  server.answer("GET", "/api/v1/operations/7?wait=1", 200,
                {{"id", 7}, {"action", "stop"}, {"target", "vm1"}, {"state", "succeeded"}, {"result", stopped}});

  auto r = kaso({"instance", "stop", "vm1"});

  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "") << "off a terminal, no waiting line";
  EXPECT_EQ(r.out, "Stopped instance vm1\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("Prefer"), "respond-async");
  EXPECT_EQ(requests[1].target, "/api/v1/operations/7?wait=1");
}

TEST_F(instance_power, issue_18_an_operation_that_failed_is_the_commands_failure) {
  server.answer("POST", "/api/v1/instances/vm1/start", 202, {{"id", 3}, {"state", "running"}});
  server.answer("GET", "/api/v1/operations/3?wait=1", 200,
                {{"id", 3},
                 {"state", "failed"},
                 {"error", {{"code", "conflict"}, {"message", "instance 'vm1' is already running"}, {"status", 409}}}});
  auto r = kaso({"instance", "start", "vm1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: instance 'vm1' is already running\n");
}

}  // namespace
}  // namespace kaso::cli
