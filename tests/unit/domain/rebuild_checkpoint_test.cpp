// Rebuilding from a checkpoint (issue #5): a checkpoint plus the events after it gives exactly
// the full fold, at every point by sequence number and by time; a checkpoint after the requested
// point is not used; an unusable one (damaged, another fold version) is reported and the one
// before it, or the first event, is started from instead.
#include "domain/rebuild.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "domain/snapshot.hpp"
#include "rich_log.hpp"

namespace kaso::domain {
namespace {

namespace fs = std::filesystem;

struct log_fixture {
  fs::path dir;
  std::unique_ptr<events::event_store> store;
  std::vector<events::event> log = testing::rich_log();

  log_fixture() {
    char tmpl[] = "/tmp/kaso-rebuild-ckpt-XXXXXX";
    dir = mkdtemp(tmpl);
    store = events::event_store::open(dir / "events", events::event_store::mode::read_write).value();
    // In batches of three, as commands append them.
    for (std::size_t i = 0; i < log.size(); i += 3) {
      std::vector<events::event> batch(log.begin() + i, log.begin() + std::min(log.size(), i + 3));
      EXPECT_TRUE(store->append(std::move(batch)).ok());
    }
  }
  ~log_fixture() {
    store.reset();
    fs::remove_all(dir);
  }

  state full(const rebuild_options& bounds) {
    auto o = bounds;
    o.use_checkpoint = false;
    return rebuild(*store, o).value();
  }
  std::int64_t time_of(std::uint64_t seq) const { return log[seq - 1].time_us; }
  // A checkpoint as the server writes it: the full fold up to `seq`.
  void checkpoint_at(std::uint64_t seq) {
    auto folded = rebuild_detailed(*store, {.up_to_seq = seq, .use_checkpoint = false}).value();
    ASSERT_EQ(folded.seq, seq);
    ASSERT_TRUE(store->write_checkpoint(seq, encode_checkpoint({seq, folded.max_time_us, folded.state})).ok());
  }
};

TEST(rebuild_checkpoint, checkpoint_and_tail_equal_the_full_fold_at_every_seq) {
  log_fixture f;
  const std::uint64_t last = f.store->last_seq();
  ASSERT_EQ(last, f.log.size());
  f.checkpoint_at(10);
  f.checkpoint_at(30);
  for (std::uint64_t seq = 1; seq <= last + 1; ++seq) {
    auto r = rebuild_detailed(*f.store, {.up_to_seq = seq});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->state, f.full({.up_to_seq = seq})) << "up to seq " << seq;
    EXPECT_EQ(r->seq, std::min(seq, last));
    std::uint64_t expected_checkpoint = seq >= 30 ? 30 : (seq >= 10 ? 10 : 0);
    EXPECT_EQ(r->checkpoint_seq, expected_checkpoint) << "a checkpoint after the point is never used";
    EXPECT_EQ(r->tail, std::min(seq, last) - expected_checkpoint);
    EXPECT_EQ(r->max_time_us, f.time_of(std::min(seq, last)));
  }
  auto whole = rebuild_detailed(*f.store).value();
  EXPECT_EQ(whole.state, f.full({}));
  EXPECT_EQ(whole.checkpoint_seq, 30u);
  EXPECT_EQ(rebuild(*f.store).value(), whole.state);
}

TEST(rebuild_checkpoint, a_time_bound_uses_a_checkpoint_only_when_all_its_events_are_within_it) {
  log_fixture f;
  f.checkpoint_at(10);
  f.checkpoint_at(30);
  struct point {
    std::int64_t time;
    std::uint64_t checkpoint;
  };
  for (auto [time, checkpoint] : {point{f.time_of(1) - 1, 0}, point{f.time_of(9), 0}, point{f.time_of(10), 10},
                                  point{f.time_of(29) + 500, 10}, point{f.time_of(30), 30},
                                  point{f.time_of(40), 30}, point{f.time_of(40) + 1, 30}}) {
    auto r = rebuild_detailed(*f.store, {.up_to_time_us = time});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->state, f.full({.up_to_time_us = time})) << "up to time " << time;
    EXPECT_EQ(r->checkpoint_seq, checkpoint) << "up to time " << time;
  }
  // Both bounds: the tighter one wins, as in a full fold.
  auto both = rebuild_detailed(*f.store, {.up_to_seq = 35, .up_to_time_us = f.time_of(20)}).value();
  EXPECT_EQ(both.state, f.full({.up_to_seq = 35, .up_to_time_us = f.time_of(20)}));
  EXPECT_EQ(both.checkpoint_seq, 10u);
  EXPECT_EQ(both.seq, 20u);
}

TEST(rebuild_checkpoint, the_fold_really_starts_from_the_checkpoint) {
  log_fixture f;
  auto marked = f.full({.up_to_seq = 20});
  marked.identities.by_id[99].name = "only-in-the-checkpoint";
  ASSERT_TRUE(f.store->write_checkpoint(20, encode_checkpoint({20, f.time_of(20), marked})).ok());
  EXPECT_TRUE(rebuild(*f.store).value().identities.by_id.contains(99));
  EXPECT_FALSE(rebuild(*f.store, {.use_checkpoint = false}).value().identities.by_id.contains(99));
  EXPECT_FALSE(rebuild(*f.store, {.up_to_seq = 19}).value().identities.by_id.contains(99));
}

TEST(rebuild_checkpoint, unusable_checkpoints_are_reported_and_skipped) {
  log_fixture f;
  f.checkpoint_at(10);
  // Another fold version's at 30: the one at 10 is used instead.
  auto doc = nlohmann::json::from_msgpack(encode_checkpoint({30, f.time_of(30), f.full({.up_to_seq = 30})}));
  doc["fold_version"] = fold_version + 1;
  std::string other_version;
  nlohmann::json::to_msgpack(doc, other_version);
  ASSERT_TRUE(f.store->write_checkpoint(30, other_version).ok());
  std::vector<std::pair<std::uint64_t, errc>> reported;
  auto report = [&](std::uint64_t seq, const error& e) { reported.emplace_back(seq, e.code()); };
  auto r = rebuild_detailed(*f.store, {.on_bad_checkpoint = report}).value();
  EXPECT_EQ(r.state, f.full({}));
  EXPECT_EQ(r.checkpoint_seq, 10u);
  EXPECT_EQ(reported, (std::vector<std::pair<std::uint64_t, errc>>{{30, errc::conflict}}));

  // Garbage at 35 (the one at 30 is kept as the one before it; 10 is deleted): a full fold.
  ASSERT_TRUE(f.store->write_checkpoint(35, "\x01garbage").ok());
  reported.clear();
  r = rebuild_detailed(*f.store, {.on_bad_checkpoint = report}).value();
  EXPECT_EQ(r.state, f.full({}));
  EXPECT_EQ(r.checkpoint_seq, 0u);
  EXPECT_EQ(reported, (std::vector<std::pair<std::uint64_t, errc>>{{35, errc::corruption}, {30, errc::conflict}}));

  // A checkpoint stored under another seq than the one it was folded to.
  ASSERT_TRUE(f.store->write_checkpoint(40, encode_checkpoint({38, f.time_of(38), f.full({.up_to_seq = 38})})).ok());
  reported.clear();
  r = rebuild_detailed(*f.store, {.on_bad_checkpoint = report}).value();
  EXPECT_EQ(r.state, f.full({}));
  EXPECT_EQ(reported.front(), (std::pair<std::uint64_t, errc>{40, errc::corruption}));
}

}  // namespace
}  // namespace kaso::domain
