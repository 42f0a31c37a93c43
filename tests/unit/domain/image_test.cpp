// Image and task deciders and folds, given/when/then: sources are checked before anything is
// recorded, a second request for the same URL joins the running download, completion registers
// every image of the task, and an image in use cannot be removed. Issue #3.
#include "domain/image.hpp"

#include <gtest/gtest.h>

namespace kaso::domain {
namespace {

struct scenario {
  images state;
  std::uint64_t seq = 0;
  void given(std::vector<events::event> evs) {
    for (auto& e : evs) {
      e.seq = ++seq;
      e.time_us = static_cast<std::int64_t>(seq);
      evolve(state, e);
    }
  }
  template <class C>
  std::vector<events::event> when_ok(const C& c) {
    auto r = decide(state, c);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    if (!r.ok()) return {};
    given(r.value());
    return r.value();
  }
  template <class C>
  errc when_refused(const C& c) {
    auto r = decide(state, c);
    EXPECT_FALSE(r.ok());
    return r.ok() ? errc::internal : r.error().code();
  }
};

start_image_task from_url(std::string name, std::string url = "https://example.test/a.qcow2") {
  return {std::move(name), {"url", std::move(url), "", ""}, "", {}};
}

std::vector<std::string> types(const std::vector<events::event>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs) out.push_back(e.type);
  return out;
}

TEST(image, a_task_starts_and_completes_into_an_image) {
  scenario s;
  auto started = s.when_ok(from_url("jammy"));
  EXPECT_EQ(types(started), std::vector<std::string>{"task.started"});
  EXPECT_EQ(started[0].payload["image_id"], 1u);
  ASSERT_TRUE(s.state.find_task(1)->running());
  auto done = s.when_ok(complete_image_task{1, "/i/1.qcow2", "qcow2", "ab", 100, 10, {}});
  EXPECT_EQ(types(done), (std::vector<std::string>{"image.created", "task.completed"}));
  const auto* i = s.state.resolve("jammy");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->id, 1u);
  EXPECT_EQ(i->path, "/i/1.qcow2");
  EXPECT_EQ(s.state.find_task(1)->state, "completed");
  EXPECT_EQ(s.when_refused(complete_image_task{1, "/x", "raw", "", 0, 0, {}}), errc::conflict) << "only once";
}

TEST(image, sources_are_checked_before_anything_is_recorded) {
  scenario s;
  EXPECT_EQ(s.when_refused(from_url("a", "file:///etc/passwd")), errc::invalid_argument);
  EXPECT_EQ(s.when_refused(from_url("a", "ftp://h/x")), errc::invalid_argument);
  EXPECT_EQ(s.when_refused(from_url("a", "https://user:pw@h/x")), errc::invalid_argument);
  EXPECT_EQ(s.when_refused(from_url("a", "https://h/x y")), errc::invalid_argument);
  EXPECT_EQ(s.when_refused(from_url("../a")), errc::invalid_argument);
  EXPECT_EQ(s.when_refused(start_image_task{"a", {"file", "", "", "relative"}, "", {}}), errc::invalid_argument);
  auto bad_sum = from_url("a");
  bad_sum.sha256 = "XYZ";
  EXPECT_EQ(s.when_refused(bad_sum), errc::invalid_argument);
  EXPECT_TRUE(s.state.tasks.empty());
}

TEST(image, a_second_request_for_the_same_url_joins_the_running_download) {
  scenario s;
  s.when_ok(from_url("first"));
  auto joined = s.when_ok(from_url("second"));
  EXPECT_EQ(types(joined), std::vector<std::string>{"task.joined"});
  EXPECT_EQ(joined[0].id, "1") << "the same task";
  EXPECT_EQ(s.state.tasks.size(), 1u);
  EXPECT_EQ(s.when_refused(from_url("second", "https://other.test/b.qcow2")), errc::already_exists)
      << "the joined name is taken";
  auto other_sum = from_url("third");
  other_sum.sha256 = std::string(64, 'a');
  s.when_ok(other_sum);  // joins: the first request gave no checksum
  auto done = s.when_ok(complete_image_task{1, "/i/1.qcow2", "qcow2", "ab", 100, 10, {{2, "/i/2.qcow2"}, {3, "/i/3.qcow2"}}});
  EXPECT_EQ(types(done), (std::vector<std::string>{"image.created", "image.created", "image.created", "task.completed"}));
  EXPECT_EQ(s.state.resolve("second")->path, "/i/2.qcow2");
  EXPECT_EQ(s.state.resolve("third")->id, 3u);
}

TEST(image, a_running_task_can_be_cancelled_or_fail_once) {
  scenario s;
  s.when_ok(from_url("a"));
  EXPECT_EQ(types(s.when_ok(cancel_task{1})), std::vector<std::string>{"task.cancelled"});
  EXPECT_EQ(s.when_refused(cancel_task{1}), errc::conflict);
  EXPECT_EQ(s.when_refused(fail_image_task{1, "x"}), errc::conflict);
  EXPECT_EQ(s.when_refused(cancel_task{9}), errc::not_found);
  s.when_ok(from_url("b"));
  s.when_ok(fail_image_task{2, "404"});
  EXPECT_EQ(s.state.find_task(2)->message, "404");
  EXPECT_TRUE(s.state.by_id.empty());
  EXPECT_EQ(s.when_ok(from_url("c"))[0].payload["image_id"], 3u) << "reserved ids are never reused";
}

TEST(image, an_image_in_use_cannot_be_removed_and_names_its_users) {
  scenario s;
  s.when_ok(from_url("a"));
  s.when_ok(complete_image_task{1, "/i/1.qcow2", "qcow2", "", 1, 1, {}});
  events::event vm;
  vm.kind = "instance";
  vm.id = "7";
  vm.type = "instance.created";
  vm.payload = {{"name", "web"}, {"image_id", 1}};
  s.given({vm});
  auto r = decide(s.state, remove_image{"a"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::conflict);
  EXPECT_NE(r.error().message().find("web"), std::string::npos);
  EXPECT_EQ(to_json(*s.state.resolve("a"), s.state)["used_by"], nlohmann::json::array({"web"}));
  vm.type = "instance.removed";
  vm.payload = nlohmann::json::object();
  s.given({vm});
  EXPECT_EQ(types(s.when_ok(remove_image{"a"})), std::vector<std::string>{"image.removed"});
  EXPECT_EQ(s.state.resolve("a"), nullptr);
}

TEST(image, modify_renames_and_changes_minimums) {
  scenario s;
  s.when_ok(from_url("a"));
  s.when_ok(complete_image_task{1, "/i/1.qcow2", "qcow2", "", 1, 1, {}});
  s.when_ok(modify_image{"a", std::string("b"), 2, std::nullopt, std::nullopt});
  EXPECT_EQ(s.state.resolve("a"), nullptr);
  EXPECT_EQ(s.state.resolve("b")->minimums.min_cpu, 2u);
  EXPECT_TRUE(s.when_ok(modify_image{"b", std::nullopt, std::nullopt, std::nullopt, std::nullopt}).empty());
}

}  // namespace
}  // namespace kaso::domain
