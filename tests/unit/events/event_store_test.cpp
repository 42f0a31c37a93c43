// The event store: append, read back, reopen, group commit, subscribers, and a writer killed in the
// middle of appending leaves a gapless, readable log.
#include "events/event_store.hpp"
#include "platform/signals.hpp"

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <thread>

#include <fstream>

#include <gtest/gtest.h>

#include "events/codec.hpp"

namespace kaso::events {
namespace {

namespace fs = std::filesystem;

struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/kaso-store-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_dir() { fs::remove_all(path); }
};

event draft(const std::string& id, std::uint64_t version, const std::string& type) {
  event e;
  e.kind = "identity";
  e.id = id;
  e.version = version;
  e.type = type;
  e.payload = {{"name", "n" + id}};
  return e;
}

std::vector<event> read_all(const event_store& store) {
  std::vector<event> out;
  EXPECT_TRUE(store.read(1, [&](const event& e) {
    out.push_back(e);
    return true;
  }).ok());
  return out;
}

TEST(event_store, append_assigns_gapless_sequence_and_time) {
  temp_dir dir;
  auto store = event_store::open(dir.path / "events", event_store::mode::read_write);
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  auto first = (*store)->append({draft("1", 1, "identity.created")});
  ASSERT_TRUE(first.ok());
  auto second = (*store)->append({draft("1", 2, "identity.modified"), draft("2", 1, "identity.created")});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first.value()[0].seq, 1u);
  EXPECT_EQ(second.value()[0].seq, 2u);
  EXPECT_EQ(second.value()[1].seq, 3u);
  EXPECT_GT(second.value()[1].time_us, 0);
  EXPECT_EQ((*store)->last_seq(), 3u);
  auto all = read_all(**store);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].type, "identity.modified");
  EXPECT_EQ(all[2], second.value()[1]);
}

// For the deterministic actor tests (issue #18): the append is durable, and its callback has run on
// the caller's thread, before append_async returns.
TEST(event_store, issue_18_an_inline_store_writes_on_the_callers_thread) {
  temp_dir dir;
  auto store = event_store::open(dir.path / "events", event_store::mode::read_write_inline);
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  std::optional<std::thread::id> called_on;
  std::uint64_t seq = 0;
  (*store)->append_async({draft("1", 1, "identity.created")}, [&](result<std::vector<event>> r) {
    called_on = std::this_thread::get_id();
    if (r.ok()) seq = r.value().at(0).seq;
  });
  ASSERT_TRUE(called_on.has_value()) << "answered before returning";
  EXPECT_EQ(*called_on, std::this_thread::get_id());
  EXPECT_EQ(seq, 1u);
  EXPECT_EQ(read_all(**store).size(), 1u);
  ASSERT_TRUE((*store)->append({draft("1", 2, "identity.modified")}).ok()) << "the blocking form too";
  store->reset();
  auto reopened = event_store::open(dir.path / "events", event_store::mode::read_only);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->last_seq(), 2u) << "durable";
}

TEST(event_store, reopened_store_has_the_same_events_and_continues_the_sequence) {
  temp_dir dir;
  std::vector<event> before;
  {
    auto store = event_store::open(dir.path / "events", event_store::mode::read_write);
    ASSERT_TRUE(store.ok());
    for (int i = 1; i <= 10; ++i) ASSERT_TRUE((*store)->append({draft(std::to_string(i), 1, "identity.created")}).ok());
    before = read_all(**store);
  }
  auto store = event_store::open(dir.path / "events", event_store::mode::read_write);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(read_all(**store), before);
  EXPECT_EQ((*store)->last_seq(), 10u);
  auto next = (*store)->append({draft("11", 1, "identity.created")});
  EXPECT_EQ(next.value()[0].seq, 11u);
}

TEST(event_store, second_writer_is_refused_but_a_reader_may_open_beside_it) {
  temp_dir dir;
  auto writer = event_store::open(dir.path / "events", event_store::mode::read_write);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->append({draft("1", 1, "identity.created")}).ok());
  auto second = event_store::open(dir.path / "events", event_store::mode::read_write);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), errc::unavailable);
  auto reader = event_store::open(dir.path / "events", event_store::mode::read_only);
  ASSERT_TRUE(reader.ok()) << reader.error().to_string();
  EXPECT_EQ(read_all(**reader).size(), 1u);
}

TEST(event_store, read_from_a_sequence_and_stop_early) {
  temp_dir dir;
  auto store = event_store::open(dir.path / "events", event_store::mode::read_write);
  for (int i = 1; i <= 5; ++i) (*store)->append({draft(std::to_string(i), 1, "identity.created")});
  std::vector<std::uint64_t> seen;
  (*store)->read(3, [&](const event& e) {
    seen.push_back(e.seq);
    return e.seq < 4;
  });
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{3, 4}));
}

TEST(event_store, concurrent_appends_share_syncs_and_stay_gapless) {
  temp_dir dir;
  auto store = event_store::open(dir.path / "events", event_store::mode::read_write);
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) (*store)->append({draft(std::to_string(t), i + 1, "identity.modified")});
    });
  }
  for (auto& th : threads) th.join();
  auto all = read_all(**store);
  ASSERT_EQ(all.size(), 320u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, i + 1);
}

TEST(event_store, subscribers_see_durable_batches_in_order) {
  temp_dir dir;
  auto store = event_store::open(dir.path / "events", event_store::mode::read_write);
  std::vector<std::uint64_t> seen;
  std::mutex m;
  auto id = (*store)->subscribe([&](const std::vector<event>& batch) {
    std::lock_guard lock(m);
    for (auto& e : batch) seen.push_back(e.seq);
  });
  (*store)->append({draft("1", 1, "identity.created"), draft("2", 1, "identity.created")});
  (*store)->append({draft("3", 1, "identity.created")});
  (*store)->unsubscribe(id);
  (*store)->append({draft("4", 1, "identity.created")});
  std::lock_guard lock(m);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3}));
}

// Overwrites 8 bytes at `fraction` of every file named *`suffix` in `dir`; returns how many.
int damage(const fs::path& dir, const std::string& suffix, double fraction) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto name = entry.path().string();
    if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const auto size = fs::file_size(entry.path());
    if (size < 16) continue;
    std::fstream f(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size * fraction));
    f.write("\xde\xad\xbe\xef\xde\xad\xbe\xef", 8);
    ++n;
  }
  return n;
}

// Issue #15: 8 damaged bytes in the middle of the write-ahead log used to cut the log short
// silently at the next open (RocksDB's point-in-time recovery); now the open is refused, saying
// how to recover, and only a salvage opens it, keeping what comes before the damage.
TEST(event_store, issue_15_a_damaged_write_ahead_log_is_refused_unless_salvaged) {
  temp_dir dir;
  {
    auto store = event_store::open(dir.path / "events", event_store::mode::read_write);
    ASSERT_TRUE(store.ok());
    for (int i = 1; i <= 40; ++i) ASSERT_TRUE((*store)->append({draft(std::to_string(i), 1, "identity.created")}).ok());
  }
  ASSERT_EQ(damage(dir.path / "events", ".log", 0.5), 1);
  for (auto mode : {event_store::mode::read_write, event_store::mode::read_only}) {
    auto refused = event_store::open(dir.path / "events", mode);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code(), errc::corruption);
    EXPECT_NE(refused.error().message().find("--salvage-log"), std::string::npos) << refused.error().message();
  }
  auto salvaged = event_store::open(dir.path / "events", event_store::mode::read_write, true);
  ASSERT_TRUE(salvaged.ok()) << salvaged.error().to_string();
  EXPECT_GT((*salvaged)->last_seq(), 0u);
  EXPECT_LT((*salvaged)->last_seq(), 40u) << "the events after the damage are gone, as the salvage says";
}

// Issue #15: a damaged table is found by verify_checksums, not only by a later read.
TEST(event_store, issue_15_verify_checksums_finds_a_damaged_table) {
  temp_dir dir;
  {
    auto store = event_store::open(dir.path / "events", event_store::mode::read_write);
    ASSERT_TRUE(store.ok());
    for (int i = 1; i <= 40; ++i) ASSERT_TRUE((*store)->append({draft(std::to_string(i), 1, "identity.created")}).ok());
    std::string bytes(64 * 1024, '\0');  // incompressible: the data block is most of the table
    std::uint32_t x = 2463534242u;
    for (auto& b : bytes) b = static_cast<char>((x ^= x << 13, x ^= x >> 17, x ^= x << 5));
    ASSERT_TRUE((*store)->write_checkpoint(40, bytes).ok());  // flushed to a table of its own
    EXPECT_TRUE((*store)->verify_checksums().ok());
  }
  ASSERT_GE(damage(dir.path / "events", ".sst", 0.25), 1);  // inside the data block, which an open does not read
  auto store = event_store::open(dir.path / "events", event_store::mode::read_only);
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  auto verified = (*store)->verify_checksums();
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.error().code(), errc::corruption);
}

TEST(event_store, a_writer_killed_mid_append_leaves_a_gapless_readable_log) {
  temp_dir dir;
  auto path = dir.path / "events";
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = event_store::open(path, event_store::mode::read_write);
    if (!store.ok()) _exit(3);
    for (std::uint64_t i = 1;; ++i) {
      std::vector<event> batch;
      for (int k = 0; k < 5; ++k) batch.push_back(draft(std::to_string(i), k + 1, "identity.modified"));
      if (!(*store)->append(std::move(batch)).ok()) _exit(4);
      if (i == 20) {
        char c = 1;
        (void)!write(ready[1], &c, 1);
      }
    }
  }
  close(ready[1]);
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);  // the child has appended 20 batches and is still going
  ASSERT_TRUE(platform::signal_process(child, SIGKILL).ok());
  int st = 0;
  waitpid(child, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st));
  auto store = event_store::open(path, event_store::mode::read_write);
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  auto all = read_all(**store);
  ASSERT_GE(all.size(), 100u);
  EXPECT_EQ(all.size() % 5, 0u) << "a batch was torn";
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].seq, i + 1);
  EXPECT_EQ((*store)->last_seq(), all.size());
}

}  // namespace
}  // namespace kaso::events
