// Snapshots of the read model (issue #5): a state folded from a log of every event type comes back
// equal through JSON, JSON text and the stored checkpoint bytes; the log really exercises every
// member (so an equal round trip means something); anything but an exact snapshot of this fold
// version is refused, not misread.
#include "domain/snapshot.hpp"

#include <gtest/gtest.h>

#include <set>

#include "rich_log.hpp"

namespace kaso::domain {
namespace {

using nlohmann::json;
using testing::fold;
using testing::numbered_rich_log;

state rich_state() {
  auto log = numbered_rich_log();
  return fold(log, log.size());
}

TEST(snapshot, a_rich_state_round_trips_through_json_text_and_checkpoint_bytes) {
  auto s = rich_state();
  auto j = snapshot_to_json(s);
  auto back = snapshot_from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back.value(), s);

  auto from_text = snapshot_from_json(json::parse(j.dump()));
  ASSERT_TRUE(from_text.ok()) << from_text.error().to_string();
  EXPECT_EQ(from_text.value(), s);

  auto decoded = decode_checkpoint(encode_checkpoint({s.last_seq, 123456789, s}));
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(decoded->seq, s.last_seq);
  EXPECT_EQ(decoded->max_time_us, 123456789);
  EXPECT_EQ(decoded->folded, s);
  EXPECT_EQ(to_json(decoded->folded), to_json(s));
}

TEST(snapshot, an_empty_state_round_trips) {
  state empty;
  EXPECT_EQ(snapshot_from_json(snapshot_to_json(empty)).value(), empty);
  EXPECT_EQ(decode_checkpoint(encode_checkpoint({0, 0, empty})).value().folded, empty);
}

TEST(snapshot, strings_need_not_be_utf8) {
  auto s = rich_state();
  s.identities.by_id.begin()->second.gecos = std::string("caf\xe9 \xff\x00 end", 11);
  auto decoded = decode_checkpoint(encode_checkpoint({s.last_seq, 0, s}));
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(decoded->folded, s);
}

// The member paths of `value` whose value differs from `defaults` (recursing into objects).
void differing(const json& value, const json& defaults, const std::string& path, std::set<std::string>& out) {
  if (value.is_object() && defaults.is_object()) {
    for (const auto& [k, d] : defaults.items()) {
      if (value.contains(k)) differing(value[k], d, path + "/" + k, out);
    }
    return;
  }
  if (value != defaults) out.insert(path);
}

void leaves(const json& defaults, const std::string& path, std::set<std::string>& out) {
  if (!defaults.is_object()) {
    out.insert(path);
    return;
  }
  for (const auto& [k, d] : defaults.items()) leaves(d, path + "/" + k, out);
}

// Every member of the entities in snapshot_to_json(s) at `where` (a map: [id, entity] pairs)
// takes a value other than its default in at least one of them.
void expect_every_member_exercised(const json& entities, const json& default_entity, const std::string& what) {
  std::set<std::string> all, seen;
  leaves(default_entity, "", all);
  for (const auto& pair : entities) differing(pair[1], default_entity, "", seen);
  for (const auto& path : all) {
    EXPECT_TRUE(seen.contains(path)) << what << path
                                     << " never differs from its default in rich_log(): extend the log, so that "
                                        "the round trip covers it";
  }
}

TEST(snapshot, the_rich_log_gives_every_member_a_value_other_than_its_default) {
  state defaults;
  defaults.identities.by_id[1];
  defaults.images.by_id[1];
  defaults.images.tasks[1];
  defaults.machines.networks.by_id[1];
  defaults.machines.instances.by_id[1];
  auto d = snapshot_to_json(defaults);
  auto j = snapshot_to_json(rich_state());
  expect_every_member_exercised(j["identities"]["by_id"], d["identities"]["by_id"][0][1], "identity");
  expect_every_member_exercised(j["images"]["by_id"], d["images"]["by_id"][0][1], "image");
  expect_every_member_exercised(j["images"]["tasks"], d["images"]["tasks"][0][1], "task");
  expect_every_member_exercised(j["machines"]["networks"]["by_id"], d["machines"]["networks"]["by_id"][0][1], "network");
  expect_every_member_exercised(j["machines"]["instances"]["by_id"], d["machines"]["instances"]["by_id"][0][1],
                                "instance");
  std::set<std::string> all, seen;
  leaves(snapshot_to_json(state{}), "", all);
  differing(j, snapshot_to_json(state{}), "", seen);
  for (const auto& path : all) EXPECT_TRUE(seen.contains(path)) << "state" << path << " is left at its default";
}

TEST(snapshot, a_missing_unknown_or_mistyped_member_is_refused) {
  auto j = snapshot_to_json(rich_state());
  auto missing = j;
  missing["machines"]["instances"]["by_id"][0][1].erase("restart");
  EXPECT_EQ(snapshot_from_json(missing).error().code(), errc::corruption);
  auto unknown = j;
  unknown["identities"]["by_id"][0][1]["nickname"] = "al";
  EXPECT_EQ(snapshot_from_json(unknown).error().code(), errc::corruption);
  auto mistyped = j;
  mistyped["machines"]["instances"]["by_id"][0][1]["vcpu"] = "two";
  auto refused = snapshot_from_json(mistyped);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("vcpu"), std::string::npos) << refused.error().message();
  auto out_of_range = j;
  out_of_range["machines"]["instances"]["by_id"][0][1]["ssh_port"] = 70000;
  EXPECT_FALSE(snapshot_from_json(out_of_range).ok());
  EXPECT_FALSE(snapshot_from_json(json::array()).ok());
}

TEST(snapshot, garbage_and_other_fold_versions_are_not_misread) {
  auto s = rich_state();
  auto bytes = encode_checkpoint({s.last_seq, 0, s});
  EXPECT_EQ(decode_checkpoint("").error().code(), errc::corruption);
  EXPECT_EQ(decode_checkpoint("not a checkpoint").error().code(), errc::corruption);
  EXPECT_EQ(decode_checkpoint(bytes.substr(0, bytes.size() / 2)).error().code(), errc::corruption);

  auto doc = json::from_msgpack(bytes);
  doc["fold_version"] = fold_version + 1;
  std::string newer;
  json::to_msgpack(doc, newer);
  auto refused = decode_checkpoint(newer);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), errc::conflict) << "incompatible, not damaged";
  doc.erase("fold_version");
  std::string unversioned;
  json::to_msgpack(doc, unversioned);
  EXPECT_EQ(decode_checkpoint(unversioned).error().code(), errc::corruption);
}

}  // namespace
}  // namespace kaso::domain
