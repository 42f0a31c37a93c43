// Issue #18: long requests as operations. The registry says how each ended (the answer, or the
// error with the HTTP status the request would have had), wakes a waiting reader when it ends, is
// bounded in what runs and in what it keeps, and `Prefer: respond-async` is read as RFC 7240 says.
#include "http/operations.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "http/actor_answer.hpp"

namespace kaso::http {
namespace {

TEST(operations, issue_18_an_operation_ends_with_the_answer_or_the_error_of_its_request) {
  operations ops;
  auto ok = ops.begin("stop", "vm1").value();
  auto bad = ops.begin("start", "vm2").value();
  EXPECT_EQ((*ops.view(ok))["state"], "running");
  EXPECT_FALSE(ops.view(ok)->contains("result"));
  ops.finish(ok, std::string(R"({"name":"vm1","state":"stopped"})"));
  ops.finish(bad, error::conflict("instance 'vm2' is already running"));
  auto done = *ops.view(ok);
  EXPECT_EQ(done["state"], "succeeded");
  EXPECT_EQ(done["action"], "stop");
  EXPECT_EQ(done["target"], "vm1");
  EXPECT_EQ(done["result"]["state"], "stopped");
  EXPECT_TRUE(done.contains("finished"));
  auto failed = *ops.view(bad);
  EXPECT_EQ(failed["state"], "failed");
  EXPECT_EQ(failed["error"]["code"], "conflict");
  EXPECT_EQ(failed["error"]["status"], 409);
  EXPECT_EQ(failed["error"]["message"], "instance 'vm2' is already running");
  ops.finish(ok, error::internal("late"));
  EXPECT_EQ((*ops.view(ok))["state"], "succeeded") << "an operation ends once";
  EXPECT_FALSE(ops.view(999).has_value());
  EXPECT_EQ(ops.list().size(), 2u);
}

TEST(operations, issue_18_a_reader_that_waits_is_woken_when_the_operation_ends) {
  operations ops;
  auto id = ops.begin("restart", "vm1").value();
  std::thread finisher([&] { ops.finish(id, std::string("{}")); });
  // Bounded by operations::max_wait; woken by the finish long before.
  auto seen = ops.view(id, std::chrono::seconds(30));
  finisher.join();
  EXPECT_EQ((*seen)["state"], "succeeded");
}

TEST(operations, issue_18_what_runs_and_what_is_kept_are_bounded) {
  operations ops;
  std::vector<std::uint64_t> ids;
  for (std::size_t i = 0; i < operations::max_running; ++i) ids.push_back(ops.begin("start", "vm").value());
  auto refused = ops.begin("start", "one too many");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), errc::unavailable);
  ops.finish(ids.front(), std::string("{}"));
  EXPECT_TRUE(ops.begin("start", "room again").ok());
  for (auto id : ids) ops.finish(id, std::string("{}"));
  for (std::size_t i = 0; i < operations::max_kept; ++i) {
    auto id = ops.begin("stop", "vm").value();
    ops.finish(id, std::string("{}"));
  }
  EXPECT_FALSE(ops.view(ids.back()).has_value()) << "the oldest finished ones are forgotten";
  EXPECT_EQ(ops.list().size(), operations::max_kept + 1) << "the kept finished ones and the one running";
}

TEST(operations, issue_18_prefer_respond_async_is_one_preference_among_others) {
  auto with = [](std::string value) {
    httplib::Request req;
    req.headers.emplace("Prefer", std::move(value));
    return prefers_async(req);
  };
  EXPECT_TRUE(with("respond-async"));
  EXPECT_TRUE(with("return=minimal, respond-async"));
  EXPECT_TRUE(with(" respond-async ,wait=10"));
  EXPECT_FALSE(with("respond-asynchronously"));
  EXPECT_FALSE(with("wait=10"));
  EXPECT_FALSE(prefers_async(httplib::Request{}));
}

}  // namespace
}  // namespace kaso::http
