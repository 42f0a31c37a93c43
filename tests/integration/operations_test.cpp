// Issue #18: a long request with `Prefer: respond-async` is answered at once (202, an operation,
// Location) by a real kaso-server, the work goes on, and the operation ends as the request would
// have: a stop that waits out the guest's grace succeeds with the stopped instance and the log
// says instance.stopped; a refused start fails with its 409 and records nothing. Without the
// header, the same requests answer once done, as before.
#include <httplib.h>

#include "instance_fixture.hpp"

namespace kaso::testing {
namespace {

// Reads the operation at `location` until it has ended (each read waits up to 30 s for it).
nlohmann::json ended(const server_harness& s, const std::string& location) {
  nlohmann::json op;
  EXPECT_TRUE(eventually([&] {
    op = s.get_json(location + "?wait=30");
    return op.value("state", "") != "running";
  }, std::chrono::seconds(120)))
      << op.dump();
  return op;
}

TEST(operations_it, issue_18_long_requests_are_answered_at_once_with_an_operation) {
  fixture f;
  f.create("vm1", {{"restart", "never"}});
  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/start").status, 200);
  auto http = f.s.http();
  const httplib::Headers prefer = {{"Prefer", "respond-async"}};

  // The firmware ignores ACPI: the stop waits out its 1 s grace, then quits qemu. The 202 comes first.
  auto accepted = http->Post("/api/v1/instances/vm1/stop", prefer, R"({"timeout": 1})", "application/json");
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 202) << accepted->body;
  auto op = nlohmann::json::parse(accepted->body);
  EXPECT_EQ(op["state"], "running");
  EXPECT_EQ(op["action"], "stop");
  EXPECT_EQ(op["target"], "vm1");
  const auto location = accepted->get_header_value("Location");
  EXPECT_EQ(location, "/api/v1/operations/" + std::to_string(op["id"].get<std::uint64_t>()));
  auto done = ended(f.s, location);
  EXPECT_EQ(done["state"], "succeeded") << done.dump();
  EXPECT_EQ(done["result"]["state"], "stopped");
  EXPECT_EQ(event_types(f.s, "instance").back(), "instance.stopped");

  ASSERT_EQ(call(f.s, "POST", "/api/v1/instances/vm1/start").status, 200);
  auto events_before = event_types(f.s, "instance").size();
  auto refused = http->Post("/api/v1/instances/vm1/start", prefer, "", "application/json");
  ASSERT_TRUE(refused);
  ASSERT_EQ(refused->status, 202);
  auto failed = ended(f.s, refused->get_header_value("Location"));
  EXPECT_EQ(failed["state"], "failed");
  EXPECT_EQ(failed["error"]["status"], 409) << failed.dump();
  EXPECT_EQ(event_types(f.s, "instance").size(), events_before) << "a refused operation records nothing";

  auto listed = f.s.get_json("/api/v1/operations");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["id"], op["id"]);
  EXPECT_EQ(call(f.s, "GET", "/api/v1/operations/99").status, 404);
  EXPECT_EQ(call(f.s, "GET", location + "?wait=31").status, 400) << "waits are bounded";
  EXPECT_EQ(call(f.s, "GET", location + "?wait=-1").status, 400);

  auto stopped = call(f.s, "POST", "/api/v1/instances/vm1/stop", {{"force", true}});
  EXPECT_EQ(stopped.status, 200) << "without the header, answered once done";
  EXPECT_EQ(stopped.body["state"], "stopped");
}

}  // namespace
}  // namespace kaso::testing
