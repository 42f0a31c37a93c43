// Issue #18: the folds never throw, whatever a decodable event holds. A log may hold events no
// decider of this version wrote (imported, written by another version): a fold that throws would
// abort a rebuild and with it the server's start. Every event of the rich log is folded with each
// payload member replaced by a value of every other JSON type, and with payloads that are no
// objects at all; the fold of the whole log around it must not throw, and what does not concern
// the broken event is folded as before.
#include <gtest/gtest.h>

#include <algorithm>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "event_samples.hpp"
#include "rich_log.hpp"

namespace kaso::domain::testing {
namespace {

using nlohmann::json;

const std::vector<json>& wrong_values() {
  static const std::vector<json> values = {json(), json(true), json(-1), json(std::uint64_t{1} << 63), json(1.5),
                                           json("text"), json::array({1, "x"}), json::object({{"a", json::array()}})};
  return values;
}

// Folds `log` with its event `at` replaced by `broken`.
void fold_with(const std::vector<events::event>& log, std::size_t at, const events::event& broken) {
  state s;
  for (std::size_t k = 0; k < log.size(); ++k) evolve(s, k == at ? broken : log[k]);
}

TEST(fold_robustness, issue_18_no_payload_member_of_any_type_makes_a_fold_throw) {
  auto log = rich_log();
  std::size_t tried = 0;
  for (std::size_t at = 0; at < log.size(); ++at) {
    for (const auto& [key, value] : log[at].payload.items()) {
      for (const auto& wrong : wrong_values()) {
        auto broken = log[at];
        broken.payload[key] = wrong;
        EXPECT_NO_THROW(fold_with(log, at, broken)) << log[at].type << " with " << key << " = " << wrong.dump();
        ++tried;
      }
    }
    for (const auto& wrong : wrong_values()) {
      if (wrong.is_object()) continue;
      auto broken = log[at];
      broken.payload = wrong;
      EXPECT_NO_THROW(fold_with(log, at, broken)) << log[at].type << " with the payload " << wrong.dump();
    }
  }
  EXPECT_GT(tried, 500u) << "the rich log gives every payload member a try";
}

TEST(fold_robustness, issue_18_a_broken_event_spoils_only_its_own_members) {
  auto log = rich_log();
  std::size_t at = 0;
  while (at < log.size() && log[at].type != "image.created") ++at;
  ASSERT_LT(at, log.size());
  auto broken = log[at];
  broken.payload["virtual_size"] = "huge";
  broken.payload["source"] = json::array({1});
  state s;
  for (std::size_t k = 0; k < log.size(); ++k) evolve(s, k == at ? broken : log[k]);
  const auto* image = s.images.resolve("jammy");
  ASSERT_NE(image, nullptr) << "the image is still folded";
  EXPECT_EQ(image->virtual_size, 0u);
  EXPECT_EQ(image->path, log[at].payload["path"]);
  EXPECT_EQ(s.machines.instances.by_id.size(), fold(log, log.size()).machines.instances.by_id.size());
}

// The sample of T as an event of the rich log's world: of an aggregate the log has (vm5, alice,
// jammy, task 1, the host network, the host) or, for a created event, of a new one.
template <class T>
events::event in_rich_log(const T& sample) {
  const auto kind = kind_of(T::type);
  const bool created = T::type.ends_with(".created") || T::type == "task.started";
  std::string id = created ? "50" : kind == "instance" ? "5" : kind == "host" ? "local" : "1";
  auto e = make_event(sample, id, 100);
  e.time_us = rich_log_start_us + 1'000'000'000;
  e.caused_by = {1000, 4242, "unix"};
  return e;
}

// What makes `wrong` another type for a member that holds `right` (an integer is one for
// another integer: only an out-of-range one is wrong, and is tried as such in event_types_test).
// A null (an unset optional) says nothing of the member's type: another sample tries it set.
bool same_kind(const json& right, const json& wrong) {
  if (right.is_null()) return true;
  if (right.is_number_integer() && wrong.is_number_integer()) return true;
  return right.type() == wrong.type();
}

TEST(fold_robustness, issue_18_every_event_type_with_a_mistyped_member_is_folded_with_that_member_defaulted) {
  const auto log = rich_log();
  const state before = fold(log, log.size());
  std::size_t tried = 0;
  for_each_sample([&](const auto& g) {
    using T = std::remove_cvref_t<decltype(g.sample)>;
    const auto good = in_rich_log(g.sample);
    for (const auto& [key, right] : good.payload.items()) {
      for (const auto& wrong : wrong_values()) {
        if (same_kind(right, wrong)) continue;
        auto broken = good;
        broken.payload[key] = wrong;
        state s = before;
        EXPECT_NO_THROW(evolve(s, broken)) << T::type << " with " << key << " = " << wrong.dump();
        auto d = decode<T>(broken);
        if (!d.ok()) {
          // Only a required member makes an event unusable (host.accelerator_chosen's accelerator);
          // then it is skipped: nothing but the last sequence number moves.
          EXPECT_EQ(T::type, host_accelerator_chosen::type) << key << ": " << d.error().message();
          EXPECT_EQ(key, "accelerator");
          state skipped = before;
          skipped.last_seq = broken.seq;
          skipped.host.version = std::max(skipped.host.version, broken.version);  // any host event counts
          EXPECT_EQ(s, skipped) << T::type << " with " << key << " = " << wrong.dump();
        } else if (!wrong.is_null()) {  // null is an optional member's "unset", not a mistake
          bool reported = std::any_of(d->defaulted.begin(), d->defaulted.end(),
                                      [&](const std::string& n) { return n.starts_with(key); });
          EXPECT_TRUE(reported) << T::type << " with " << key << " = " << wrong.dump();
        }
        ++tried;
      }
    }
  });
  EXPECT_GT(tried, 500u);
}

TEST(fold_robustness, issue_18_every_event_type_whose_payload_is_no_object_is_skipped) {
  const auto log = rich_log();
  const state before = fold(log, log.size());
  for_each_sample([&](const auto& g) {
    using T = std::remove_cvref_t<decltype(g.sample)>;
    for (const auto& wrong : wrong_values()) {
      if (wrong.is_object()) continue;
      auto broken = in_rich_log(g.sample);
      broken.payload = wrong;
      broken.seq = 999;
      state s = before;
      EXPECT_NO_THROW(evolve(s, broken)) << T::type << " with the payload " << wrong.dump();
      EXPECT_FALSE(decode<T>(broken).ok()) << T::type;
      state skipped = before;
      skipped.last_seq = 999;
      if (T::type.starts_with("host.")) skipped.host.version = std::max(skipped.host.version, broken.version);
      EXPECT_EQ(s, skipped) << T::type << " with the payload " << wrong.dump() << " changed the state";
    }
  });
}

// The warnings the folds write while `f` runs.
template <class F>
std::vector<std::string> warnings_during(F f) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  auto& sinks = spdlog::default_logger()->sinks();
  sinks.push_back(sink);
  f();
  sinks.pop_back();
  return sink->last_formatted();
}

TEST(fold_robustness, issue_18_a_skipped_event_and_a_defaulted_member_are_reported) {
  auto e = in_rich_log(instance_ready{1500});
  e.seq = 77;
  e.payload = json::array({1});
  state s = fold(rich_log(), rich_log().size());
  auto skipped = warnings_during([&] { evolve(s, e); });
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("event 77"), std::string::npos) << skipped[0];
  EXPECT_NE(skipped[0].find("skipped"), std::string::npos) << skipped[0];

  e.payload = {{"after_ms", "soon"}};
  auto defaulted = warnings_during([&] { evolve(s, e); });
  ASSERT_EQ(defaulted.size(), 1u);
  EXPECT_NE(defaulted[0].find("after_ms"), std::string::npos) << defaulted[0];

  e.payload = {{"after_ms", 1500}};
  EXPECT_TRUE(warnings_during([&] { evolve(s, e); }).empty()) << "a sound event is folded silently";
}

}  // namespace
}  // namespace kaso::domain::testing
