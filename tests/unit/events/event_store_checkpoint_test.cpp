// Checkpoints in the event store (issue #5): their own column family, the newest two kept, found
// at or before a point, invisible to event reads; a database made before the family existed opens
// read-only (without checkpoints) and read-write (which adds the family); a read-only view beside
// a writer sees the checkpoints written before it opened.
#include "events/event_store.hpp"

#include <filesystem>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "events/codec.hpp"

namespace kaso::events {
namespace {

namespace fs = std::filesystem;

struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/kaso-store-ckpt-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_dir() { fs::remove_all(path); }
};

event draft(std::uint64_t id) {
  event e;
  e.kind = "identity";
  e.id = std::to_string(id);
  e.version = 1;
  e.type = "identity.created";
  e.payload = {{"name", "n" + e.id}};
  return e;
}

std::unique_ptr<event_store> open_with(const fs::path& dir, std::uint64_t events) {
  auto store = event_store::open(dir, event_store::mode::read_write).value();
  for (std::uint64_t i = 1; i <= events; ++i) EXPECT_TRUE(store->append({draft(i)}).ok());
  return store;
}

std::uint64_t count_events(const event_store& store) {
  std::uint64_t n = 0;
  EXPECT_TRUE(store.read(1, [&](const event&) { return ++n, true; }).ok());
  return n;
}

std::optional<std::uint64_t> latest_seq(const event_store& store, std::uint64_t at_most = UINT64_MAX) {
  auto c = store.latest_checkpoint(at_most);
  EXPECT_TRUE(c.ok());
  if (!c.ok() || !c.value()) return std::nullopt;
  return c.value()->seq;
}

TEST(event_store_checkpoints, the_newest_two_are_kept_and_found_at_or_before_a_point) {
  temp_dir dir;
  auto store = open_with(dir.path / "events", 10);
  EXPECT_EQ(latest_seq(*store), std::nullopt);
  for (std::uint64_t seq : {2, 5, 7, 9}) {
    ASSERT_TRUE(store->write_checkpoint(seq, "state at " + std::to_string(seq)).ok());
  }
  auto latest = store->latest_checkpoint().value();
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->seq, 9u);
  EXPECT_EQ(latest->bytes, "state at 9");
  EXPECT_EQ(latest_seq(*store, 8), 7u);
  EXPECT_EQ(latest_seq(*store, 6), std::nullopt) << "2 and 5 were deleted";
  ASSERT_TRUE(store->write_checkpoint(9, "again at 9").ok());
  EXPECT_EQ(store->latest_checkpoint().value()->bytes, "again at 9");
  EXPECT_EQ(latest_seq(*store, 8), 7u) << "rewriting the latest keeps the one before";
  EXPECT_EQ(count_events(*store), 10u) << "event reads never meet checkpoints";
  EXPECT_EQ(store->last_seq(), 10u);

  store.reset();
  auto reopened = event_store::open(dir.path / "events", event_store::mode::read_write).value();
  EXPECT_EQ(reopened->latest_checkpoint().value()->bytes, "again at 9");
  EXPECT_EQ(reopened->last_seq(), 10u);
  auto view = event_store::open(dir.path / "events", event_store::mode::read_only).value();
  EXPECT_FALSE(view->write_checkpoint(10, "x").ok()) << "read-only";
}

TEST(event_store_checkpoints, a_read_only_view_beside_the_writer_sees_them) {
  temp_dir dir;
  auto store = open_with(dir.path / "events", 3);
  ASSERT_TRUE(store->write_checkpoint(3, "three").ok());
  auto view = event_store::open(dir.path / "events", event_store::mode::read_only);
  ASSERT_TRUE(view.ok()) << view.error().to_string();
  EXPECT_EQ((*view)->latest_checkpoint().value()->bytes, "three");
  EXPECT_EQ((*view)->last_seq(), 3u);
  EXPECT_EQ(count_events(**view), 3u);
}

// What the store wrote before checkpoints existed: RocksDB with only its default family.
void write_old_database(const fs::path& dir, std::uint64_t events) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, dir.string(), &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (std::uint64_t seq = 1; seq <= events; ++seq) {
    auto e = draft(seq);
    e.seq = seq;
    e.time_us = 1000 * static_cast<std::int64_t>(seq);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), encode_key(seq), encode_value(e)).ok());
  }
  ASSERT_TRUE(db->Close().ok());
}

TEST(event_store_checkpoints, a_database_made_without_the_family_opens) {
  temp_dir dir;
  auto path = dir.path / "events";
  write_old_database(path, 5);
  {
    auto view = event_store::open(path, event_store::mode::read_only);
    ASSERT_TRUE(view.ok()) << view.error().to_string();
    EXPECT_EQ((*view)->last_seq(), 5u);
    EXPECT_EQ(count_events(**view), 5u);
    EXPECT_EQ(latest_seq(**view), std::nullopt);
  }
  {
    auto store = event_store::open(path, event_store::mode::read_write);
    ASSERT_TRUE(store.ok()) << store.error().to_string();
    EXPECT_EQ(count_events(**store), 5u);
    EXPECT_EQ(latest_seq(**store), std::nullopt);
    ASSERT_TRUE((*store)->append({draft(6)}).ok());
    ASSERT_TRUE((*store)->write_checkpoint(6, "six").ok());
  }
  auto view = event_store::open(path, event_store::mode::read_only).value();
  EXPECT_EQ(view->last_seq(), 6u);
  EXPECT_EQ(count_events(*view), 6u);
  EXPECT_EQ(view->latest_checkpoint().value()->bytes, "six");
}

TEST(event_store_checkpoints, an_unknown_family_does_not_stop_a_read_write_open) {
  temp_dir dir;
  auto path = dir.path / "events";
  write_old_database(path, 2);
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), path.string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ColumnFamilyHandle* h = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "from_a_newer_server", &h).ok());
    db->DestroyColumnFamilyHandle(h);
    ASSERT_TRUE(db->Close().ok());
  }
  auto store = event_store::open(path, event_store::mode::read_write);
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  EXPECT_EQ(count_events(**store), 2u);
  store.value().reset();
  EXPECT_TRUE(event_store::open(path, event_store::mode::read_only).ok());
}

}  // namespace
}  // namespace kaso::events
