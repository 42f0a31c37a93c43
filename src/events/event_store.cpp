#include "events/event_store.hpp"

#include <algorithm>
#include <chrono>
#include <future>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "events/codec.hpp"

namespace kaso::events {
namespace {

error from_rocksdb(const rocksdb::Status& s, const std::string& what) {
  if (s.IsCorruption()) return error::corruption(what + ": " + s.ToString());
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return error::unavailable(what + ": the event log is in use by another process (" +
                              s.ToString() + ")");
  }
  return error::io_error(what + ": " + s.ToString());
}

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

rocksdb::Options make_options() {
  rocksdb::Options o;
  o.create_if_missing = true;
  // Small footprint: the server idles with a small RSS, and event records are small.
  o.write_buffer_size = 4 << 20;
  o.max_write_buffer_number = 2;
  o.max_background_jobs = 2;
  o.keep_log_file_num = 3;
  o.max_open_files = 256;
  o.compression = rocksdb::kLZ4Compression;
  // A damaged write-ahead log is refused, not cut short: the default (point in time) silently
  // dropped every event after 8 damaged bytes, acknowledged ones included (issue #15). Only an
  // incomplete last record, which no append can have acknowledged (each is synced whole), is
  // tolerated. salvage (event_store::open) uses the point-in-time mode on purpose.
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  o.paranoid_checks = true;
  return o;
}

const std::string checkpoints_family = "checkpoints";

// The families to open: every one the database has (RocksDB refuses a read-write open that leaves
// one out), and `checkpoints`, created when missing. Read-only: only those of ours that exist.
std::vector<std::string> families_to_open(const rocksdb::Options& options, const std::string& dir,
                                          event_store::mode m) {
  std::vector<std::string> existing;
  if (!rocksdb::DB::ListColumnFamilies(options, dir, &existing).ok()) {
    existing = {rocksdb::kDefaultColumnFamilyName};  // a new database (or one Open will report on)
  }
  if (m == event_store::mode::read_only) {
    std::erase_if(existing, [](const std::string& name) {
      return name != rocksdb::kDefaultColumnFamilyName && name != checkpoints_family;
    });
  } else if (std::find(existing.begin(), existing.end(), checkpoints_family) == existing.end()) {
    existing.push_back(checkpoints_family);
  }
  return existing;
}

}  // namespace

result<std::unique_ptr<event_store>> event_store::open(const std::filesystem::path& dir, mode m, bool salvage) {
  rocksdb::DB* raw = nullptr;
  auto options = make_options();
  if (salvage) options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (auto& name : families_to_open(options, dir.string(), m)) {
    descriptors.emplace_back(std::move(name), rocksdb::ColumnFamilyOptions(options));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s;
  if (m != mode::read_only) {
    std::error_code ec;
    std::filesystem::create_directories(dir.parent_path(), ec);
    options.create_missing_column_families = true;
    s = rocksdb::DB::Open(options, dir.string(), descriptors, &handles, &raw);
  } else {
    options.create_if_missing = false;
    s = rocksdb::DB::OpenForReadOnly(options, dir.string(), descriptors, &handles, &raw);
  }
  if (s.IsCorruption() && s.ToString().find(".sst") != std::string::npos) {
    return error::corruption("a table of the event log " + dir.string() + " is damaged (" + s.ToString() +
                             "). Keep a copy of that folder; `kaso-replay check --log " + dir.string() +
                             "` shows what can still be read");
  }
  if (s.IsCorruption()) {
    return error::corruption("the event log " + dir.string() + " is damaged (" + s.ToString() +
                             "): refusing to open it rather than lose recorded events. See the damage with "
                             "`kaso-replay check --log " + dir.string() + "`, keep a copy of that folder, then "
                             "`kaso-server --salvage-log` starts from the events that can still be read");
  }
  if (!s.ok()) return from_rocksdb(s, "opening event log " + dir.string());
  std::unique_ptr<event_store> store(new event_store(std::unique_ptr<rocksdb::DB>(raw), std::move(handles), m));
  return store;
}

status event_store::verify_checksums() const {
  auto s = db_->VerifyChecksum();
  if (s.ok()) return ok_status();
  return from_rocksdb(s, "verifying the event log's checksums");
}

event_store::event_store(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> families,
                         mode m)
    : db_(std::move(db)), families_(std::move(families)), mode_(m) {
  for (auto* h : families_) {
    if (h->GetName() == checkpoints_family) checkpoints_ = h;
  }
  last_seq_.store(scan_last_seq(), std::memory_order_release);
  if (mode_ == mode::read_write) writer_ = std::thread([this] { writer_loop(); });
}

event_store::~event_store() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (db_) {
    for (auto* h : families_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
}

std::uint64_t event_store::scan_last_seq() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekToLast();
  return it->Valid() ? decode_key(std::string_view(it->key().data(), it->key().size())) : 0;
}

void event_store::append_async(std::vector<event> events, append_callback done) {
  if (mode_ == mode::read_only || events.empty()) {
    done(error::internal("append to a read-only store or of no events"));
    return;
  }
  if (mode_ == mode::read_write_inline) {
    std::lock_guard writing(inline_writer_);
    std::deque<pending> one;
    one.push_back({std::move(events), std::move(done)});
    write_group(one);
    return;
  }
  std::unique_lock lock(queue_mutex_);
  if (stopping_) {
    lock.unlock();
    done(error::unavailable("the event log is closing"));
    return;
  }
  queue_.push_back({std::move(events), std::move(done)});
  lock.unlock();
  queue_cv_.notify_one();
}

result<std::vector<event>> event_store::append(std::vector<event> events) {
  std::promise<result<std::vector<event>>> promise;
  auto future = promise.get_future();
  append_async(std::move(events), [&promise](result<std::vector<event>> r) {
    promise.set_value(std::move(r));
  });
  return future.get();
}

void event_store::writer_loop() {
  for (;;) {
    std::deque<pending> group;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued was written
      group.swap(queue_);
    }
    write_group(group);
  }
}

void event_store::write_group(std::deque<pending>& group) {
  if (failed_) {
    for (auto& p : group) p.done(error::unavailable("the event log failed earlier; restart the server"));
    return;
  }
  std::uint64_t seq = last_seq_.load(std::memory_order_relaxed);
  const std::int64_t time = now_us();
  rocksdb::WriteBatch batch;
  for (auto& p : group) {
    for (auto& e : p.events) {
      e.seq = ++seq;
      if (e.time_us == 0) e.time_us = time;  // imports keep their recorded time
      batch.Put(encode_key(e.seq), encode_value(e));
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto s = db_->Write(wo, &batch);
  if (!s.ok()) {
    failed_ = true;
    auto err = from_rocksdb(s, "appending to the event log");
    for (auto& p : group) p.done(err);
    return;
  }
  last_seq_.store(seq, std::memory_order_release);
  std::vector<event> all;
  {
    std::lock_guard lock(subscribers_mutex_);
    if (!subscribers_.empty()) {
      for (auto& p : group) all.insert(all.end(), p.events.begin(), p.events.end());
      for (auto& [id, sub] : subscribers_) sub(all);
    }
  }
  for (auto& p : group) p.done(std::move(p.events));
}

status event_store::read_raw(
    std::uint64_t from,
    const std::function<bool(std::uint64_t, std::string_view)>& visit) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.readahead_size = 2 << 20;  // reads are sequential scans
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(encode_key(from)); it->Valid(); it->Next()) {
    auto key = std::string_view(it->key().data(), it->key().size());
    auto value = std::string_view(it->value().data(), it->value().size());
    if (!visit(decode_key(key), value)) break;
  }
  if (!it->status().ok()) return from_rocksdb(it->status(), "reading the event log");
  return ok_status();
}

status event_store::read(std::uint64_t from, const std::function<bool(const event&)>& visit,
                         const corrupt_handler& on_corrupt) const {
  return read_raw(from, [&](std::uint64_t seq, std::string_view value) {
    auto decoded = decode_value(value, seq);
    if (!decoded.ok()) {
      if (on_corrupt) on_corrupt(seq, decoded.error());
      return true;
    }
    return visit(decoded.value());
  });
}

status event_store::write_checkpoint(std::uint64_t seq, std::string_view bytes) {
  if (mode_ == mode::read_only || checkpoints_ == nullptr || seq == 0) {
    return error::internal("checkpoint written to a read-only store or at seq 0");
  }
  rocksdb::WriteBatch batch;
  batch.Put(checkpoints_, encode_key(seq), rocksdb::Slice(bytes.data(), bytes.size()));
  // Older than the newest one before `seq`: deleted (there are only ever two or three).
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), checkpoints_));
    it->SeekForPrev(encode_key(seq - 1));
    if (it->Valid()) {
      for (it->Prev(); it->Valid(); it->Prev()) batch.Delete(checkpoints_, it->key());
    }
    if (!it->status().ok()) return from_rocksdb(it->status(), "reading the checkpoints");
  }
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;  // made durable by the flush below
  if (auto s = db_->Write(wo, &batch); !s.ok()) return from_rocksdb(s, "writing a checkpoint");
  rocksdb::FlushOptions fo;
  fo.wait = true;
  fo.allow_write_stall = true;
  if (auto s = db_->Flush(fo, checkpoints_); !s.ok()) return from_rocksdb(s, "flushing a checkpoint");
  return ok_status();
}

result<std::optional<event_store::checkpoint>> event_store::latest_checkpoint(std::uint64_t at_most) const {
  if (checkpoints_ == nullptr) return std::optional<checkpoint>();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), checkpoints_));
  it->SeekForPrev(encode_key(at_most));
  if (!it->status().ok()) return from_rocksdb(it->status(), "reading the checkpoints");
  if (!it->Valid()) return std::optional<checkpoint>();
  return std::optional<checkpoint>(checkpoint{decode_key(std::string_view(it->key().data(), it->key().size())),
                                              it->value().ToString()});
}

std::uint64_t event_store::subscribe(subscriber s) {
  std::lock_guard lock(subscribers_mutex_);
  auto id = next_subscriber_++;
  subscribers_.emplace_back(id, std::move(s));
  return id;
}

void event_store::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(subscribers_mutex_);
  std::erase_if(subscribers_, [id](const auto& p) { return p.first == id; });
}

}  // namespace kaso::events
