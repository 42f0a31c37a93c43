// Following the event log as server-sent events, below HTTP: the framing, and followers stepped
// against a real store in a temporary directory. The backlog and live events meet with no gap and
// no duplicate (also while appends race the start), filters, Last-Event-ID starts, a mailbox that
// overflows catches up from the log, positions and heartbeats, the follower limit.
#include "http/event_stream.hpp"

#include <unistd.h>

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "events/event_store.hpp"

namespace kaso::http {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/kaso-stream-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~temp_dir() { fs::remove_all(path); }
};

events::event draft(const std::string& kind, const std::string& id) {
  events::event e;
  e.kind = kind;
  e.id = id;
  e.version = 1;
  e.type = kind + ".created";
  e.payload = {{"name", "n" + id}};
  return e;
}

struct store_fixture : ::testing::Test {
  temp_dir dir;
  std::unique_ptr<events::event_store> store;

  void SetUp() override {
    auto opened = events::event_store::open(dir.path / "events", events::event_store::mode::read_write);
    ASSERT_TRUE(opened.ok()) << opened.error().to_string();
    store = std::move(opened.value());
  }

  void append(std::size_t n, const std::string& kind = "identity", const std::string& id = "1") {
    std::vector<events::event> batch;
    for (std::size_t i = 0; i < n; ++i) batch.push_back(draft(kind, id));
    ASSERT_TRUE(store->append(std::move(batch)).ok());
  }
};

// What a client saw: the ids of events (messages with data), positions, comments.
struct seen {
  std::string bytes;
  std::vector<std::uint64_t> events;
  std::vector<std::uint64_t> positions;
  std::size_t comments = 0;

  void parse() {
    events.clear();
    positions.clear();
    comments = 0;
    std::size_t at = 0;
    for (auto end = bytes.find("\n\n"); end != std::string::npos; end = bytes.find("\n\n", at)) {
      std::string message = bytes.substr(at, end - at);
      at = end + 2;
      if (message.rfind(": ", 0) == 0) {
        ++comments;
        continue;
      }
      auto id = std::stoull(message.substr(4));
      (message.find("\ndata: ") != std::string::npos ? events : positions).push_back(id);
    }
  }
};

stream_options quick() {
  stream_options o;
  o.tick = 5ms;
  return o;
}

// Steps until `done` or a bound of steps (each at most `tick`): a real condition, bounded.
template <class Done>
bool step_until(event_follower& f, seen& s, Done done) {
  auto write = [&s](std::string_view b) {
    s.bytes.append(b);
    return true;
  };
  for (int i = 0; i < 4000; ++i) {
    if (!f.step(write)) return false;
    s.parse();
    if (done()) return true;
  }
  return false;
}

std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> out;
  for (auto i = from; i <= to; ++i) out.push_back(i);
  return out;
}

TEST(sse_framing, event_position_comment) {
  EXPECT_EQ(sse_event(7, R"({"seq":7})"), "id: 7\ndata: {\"seq\":7}\n\n");
  EXPECT_EQ(sse_position(12), "id: 12\n\n");
  EXPECT_EQ(sse_comment("keep-alive"), ": keep-alive\n\n");
}

TEST(sse_framing, last_event_id_is_a_sequence_number) {
  EXPECT_EQ(parse_last_event_id("42").value(), 42u);
  EXPECT_EQ(parse_last_event_id(" 7 ").value(), 7u);
  EXPECT_EQ(parse_last_event_id("0").value(), 0u);
  for (const char* bad : {"", " ", "x", "-1", "1x", "1.5", "99999999999999999999999"}) {
    auto r = parse_last_event_id(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), errc::invalid_argument);
  }
}

TEST(event_filter, empty_members_match_everything) {
  auto e = draft("image", "3");
  EXPECT_TRUE((event_filter{}).matches(e));
  EXPECT_TRUE((event_filter{"image", ""}).matches(e));
  EXPECT_TRUE((event_filter{"image", "3"}).matches(e));
  EXPECT_FALSE((event_filter{"task", ""}).matches(e));
  EXPECT_FALSE((event_filter{"image", "4"}).matches(e));
}

using event_follower_test = store_fixture;

TEST_F(event_follower_test, backlog_then_live_events_each_once_in_order) {
  append(5);
  auto streams = event_streams::make(store.get(), quick());
  auto f = streams->follow({}, 1);
  ASSERT_TRUE(f.ok());
  seen s;
  ASSERT_TRUE(step_until(**f, s, [&] { return s.events.size() == 5; }));
  append(2);
  append(1);
  ASSERT_TRUE(step_until(**f, s, [&] { return s.events.size() == 8; }));
  EXPECT_EQ(s.events, range(1, 8));
  EXPECT_EQ((*f)->covered(), 8u);
  EXPECT_TRUE(s.bytes.find("\"type\":\"identity.created\"") != std::string::npos);
}

TEST_F(event_follower_test, appends_racing_the_start_are_neither_lost_nor_repeated) {
  append(50);
  stream_options o = quick();
  o.read_chunk = 7;  // the backlog takes several steps while appends go on
  auto streams = event_streams::make(store.get(), o);
  std::thread writer([&] {
    for (int i = 0; i < 100; ++i) append(1 + i % 3);
  });
  auto f = streams->follow({}, 1);
  ASSERT_TRUE(f.ok());
  writer.join();
  const auto last = store->last_seq();
  seen s;
  ASSERT_TRUE(step_until(**f, s, [&] { return (*f)->covered() == last; }));
  EXPECT_EQ(s.events, range(1, last));
}

TEST_F(event_follower_test, filters_by_kind_and_id) {
  append(2, "identity", "1");
  append(1, "image", "1");
  append(1, "identity", "2");
  auto streams = event_streams::make(store.get(), quick());
  auto by_kind = streams->follow({"image", ""}, 1);
  auto by_id = streams->follow({"identity", "2"}, 1);
  ASSERT_TRUE(by_kind.ok() && by_id.ok());
  seen k, i;
  ASSERT_TRUE(step_until(**by_kind, k, [&] { return (*by_kind)->covered() == 4; }));
  ASSERT_TRUE(step_until(**by_id, i, [&] { return (*by_id)->covered() == 4; }));
  append(1, "image", "2");
  append(1, "identity", "2");
  ASSERT_TRUE(step_until(**by_kind, k, [&] { return (*by_kind)->covered() == 6; }));
  ASSERT_TRUE(step_until(**by_id, i, [&] { return (*by_id)->covered() == 6; }));
  EXPECT_EQ(k.events, (std::vector<std::uint64_t>{3, 5}));
  EXPECT_EQ(i.events, (std::vector<std::uint64_t>{4, 6}));
}

TEST_F(event_follower_test, starts_after_a_last_event_id) {
  append(6);
  auto streams = event_streams::make(store.get(), quick());
  auto f = streams->follow({}, 5);  // Last-Event-ID: 4
  ASSERT_TRUE(f.ok());
  seen s;
  ASSERT_TRUE(step_until(**f, s, [&] { return (*f)->covered() == 6; }));
  EXPECT_EQ(s.events, (std::vector<std::uint64_t>{5, 6}));
  EXPECT_TRUE(s.positions.empty()) << "the last event sent is the position";
}

TEST_F(event_follower_test, a_full_mailbox_is_caught_up_from_the_log) {
  stream_options o = quick();
  o.queue_capacity = 4;
  auto streams = event_streams::make(store.get(), o);
  auto f = streams->follow({}, 1);
  ASSERT_TRUE(f.ok());
  seen s;
  append(1);
  ASSERT_TRUE(step_until(**f, s, [&] { return s.events.size() == 1; }));
  append(3);
  append(10);  // more than the mailbox holds, before the follower steps again
  append(2);
  ASSERT_TRUE(step_until(**f, s, [&] { return (*f)->covered() == 16; }));
  EXPECT_EQ(s.events, range(1, 16));
}

TEST_F(event_follower_test, reports_its_position_when_it_skipped_events) {
  append(3, "identity", "1");
  stream_options o = quick();
  o.heartbeat = 20ms;
  auto streams = event_streams::make(store.get(), o);
  auto f = streams->follow({"identity", "2"}, 1);
  ASSERT_TRUE(f.ok());
  seen s;
  ASSERT_TRUE(step_until(**f, s, [&] { return !s.positions.empty(); }));
  EXPECT_EQ(s.positions, std::vector<std::uint64_t>{3}) << "after the backlog";
  EXPECT_TRUE(s.events.empty());
  append(2, "identity", "1");
  ASSERT_TRUE(step_until(**f, s, [&] { return s.positions.size() == 2; }));
  EXPECT_EQ(s.positions.back(), 5u) << "with the heartbeat, once live events were skipped";
  ASSERT_TRUE(step_until(**f, s, [&] { return s.comments > 0; })) << "then a keep-alive comment";
  EXPECT_EQ(s.positions.size(), 2u);
}

TEST_F(event_follower_test, a_failed_write_ends_the_stream) {
  append(1);
  auto streams = event_streams::make(store.get(), quick());
  auto f = streams->follow({}, 1);
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE((*f)->step([](std::string_view) { return false; }));
}

TEST_F(event_follower_test, admits_at_most_max_followers) {
  stream_options o = quick();
  o.max_followers = 2;
  auto streams = event_streams::make(store.get(), o);
  auto a = streams->follow({}, 1);
  auto b = streams->follow({}, 1);
  ASSERT_TRUE(a.ok() && b.ok());
  auto c = streams->follow({}, 1);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), errc::unavailable);
  EXPECT_EQ(streams->followers(), 2u);
  a.value().reset();
  EXPECT_EQ(streams->followers(), 1u);
  EXPECT_TRUE(streams->follow({}, 1).ok());
}

TEST(event_streams_without_store, follow_is_unavailable) {
  auto streams = event_streams::make(nullptr);
  auto f = streams->follow({}, 1);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code(), errc::unavailable);
  EXPECT_EQ(streams->followers(), 0u);
}

}  // namespace
}  // namespace kaso::http
