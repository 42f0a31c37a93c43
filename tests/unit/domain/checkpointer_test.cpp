// The server's checkpointer (issue #5): it writes a checkpoint once `every` events were appended
// since the last one, one at once when it starts `every` events or more behind, and one at the
// last event when stopped; each equals the full fold at its sequence number.
#include "domain/checkpointer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "domain/snapshot.hpp"
#include "rich_log.hpp"

namespace kaso::domain {
namespace {

namespace fs = std::filesystem;

struct temp_store {
  fs::path dir;
  std::unique_ptr<events::event_store> store;
  temp_store() {
    char tmpl[] = "/tmp/kaso-checkpointer-XXXXXX";
    dir = mkdtemp(tmpl);
    store = events::event_store::open(dir / "events", events::event_store::mode::read_write).value();
  }
  ~temp_store() {
    store.reset();
    fs::remove_all(dir);
  }
  // Appends the rich log's events [from, to) one command at a time.
  void append(const std::vector<events::event>& log, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) ASSERT_TRUE(store->append({log[i]}).ok());
  }
  // The stored checkpoint at or before `at_most`, decoded; its state must equal the full fold.
  std::uint64_t expect_faithful_checkpoint(std::uint64_t at_most = std::numeric_limits<std::uint64_t>::max()) {
    auto stored = store->latest_checkpoint(at_most).value();
    EXPECT_TRUE(stored.has_value());
    if (!stored) return 0;
    auto c = decode_checkpoint(stored->bytes);
    EXPECT_TRUE(c.ok()) << c.error().to_string();
    if (!c.ok()) return 0;
    EXPECT_EQ(c->seq, stored->seq);
    EXPECT_EQ(c->folded, rebuild(*store, {.up_to_seq = stored->seq, .use_checkpoint = false}).value());
    return stored->seq;
  }
};

checkpointer::settings every(std::uint64_t n) {
  checkpointer::settings s;
  s.every = n;
  s.on_error = [](std::uint64_t seq, const error& e) { ADD_FAILURE() << seq << ": " << e.to_string(); };
  return s;
}

// Bounded polling on a real condition: the checkpointer works on its own thread.
template <class Pred>
bool eventually(Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

TEST(checkpointer, writes_every_n_events_and_at_the_last_event_when_stopped) {
  temp_store t;
  auto log = testing::rich_log();
  checkpointer c(*t.store, rebuild_detailed(*t.store).value(), every(10));
  t.append(log, 0, 25);
  // However the appends were grouped into folds, once caught up it is fewer than 10 events behind.
  ASSERT_TRUE(eventually([&] { return c.last_written() >= 16; })) << "last written: " << c.last_written();
  EXPECT_GE(t.expect_faithful_checkpoint(), 16u);
  t.append(log, 25, 28);
  c.stop();
  EXPECT_EQ(c.last_written(), 28u);
  EXPECT_EQ(t.expect_faithful_checkpoint(), 28u);
  EXPECT_GE(t.expect_faithful_checkpoint(27), 16u) << "the one before is kept";
  c.stop();  // idempotent
}

TEST(checkpointer, folds_batches_of_any_size) {
  temp_store t;
  auto log = testing::rich_log();
  checkpointer c(*t.store, rebuild_detailed(*t.store).value(), every(7));
  ASSERT_TRUE(t.store->append(std::vector<events::event>(log.begin(), log.begin() + 30)).ok());
  ASSERT_TRUE(eventually([&] { return c.last_written() == 30; }));
  ASSERT_TRUE(t.store->append(std::vector<events::event>(log.begin() + 30, log.end())).ok());
  c.stop();
  EXPECT_EQ(t.expect_faithful_checkpoint(), log.size());
}

TEST(checkpointer, starting_far_behind_writes_at_once_and_a_current_checkpoint_is_not_rewritten) {
  temp_store t;
  auto log = testing::rich_log();
  t.append(log, 0, 30);
  {
    checkpointer c(*t.store, rebuild_detailed(*t.store).value(), every(20));
    ASSERT_TRUE(eventually([&] { return c.last_written() == 30; }));
    EXPECT_EQ(t.expect_faithful_checkpoint(), 30u);
  }
  // A restart from that checkpoint: nothing new, nothing written (the store still has one).
  auto from = rebuild_detailed(*t.store).value();
  ASSERT_EQ(from.checkpoint_seq, 30u);
  ASSERT_EQ(from.tail, 0u);
  {
    checkpointer c(*t.store, from, every(20));
    c.stop();
    EXPECT_EQ(c.last_written(), 30u);
  }
  // A restart 5 events behind the checkpoint (fewer than `every`): written only when stopped.
  t.append(log, 30, 35);
  from = rebuild_detailed(*t.store).value();
  EXPECT_EQ(from.tail, 5u);
  checkpointer c(*t.store, from, every(20));
  t.append(log, 35, 40);
  c.stop();
  EXPECT_EQ(c.last_written(), 40u);
  EXPECT_EQ(t.expect_faithful_checkpoint(), 40u);
  EXPECT_EQ(t.expect_faithful_checkpoint(39), 30u);
}

TEST(checkpointer, an_empty_log_gets_no_checkpoint) {
  temp_store t;
  checkpointer c(*t.store, rebuild_detailed(*t.store).value(), every(10));
  c.stop();
  EXPECT_EQ(c.last_written(), 0u);
  EXPECT_FALSE(t.store->latest_checkpoint().value().has_value());
}

}  // namespace
}  // namespace kaso::domain
