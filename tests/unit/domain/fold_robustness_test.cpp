// Issue #18: the folds never throw, whatever a decodable event holds. A log may hold events no
// decider of this version wrote (imported, written by another version): a fold that throws would
// abort a rebuild and with it the server's start. Every event of the rich log is folded with each
// payload member replaced by a value of every other JSON type, and with payloads that are no
// objects at all; the fold of the whole log around it must not throw, and what does not concern
// the broken event is folded as before.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace kaso::domain::testing
