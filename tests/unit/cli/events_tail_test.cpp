// kaso events tail: the SSE reader (messages split anywhere, line ends, comments, positions), the
// streaming line, the request without -f, its usage errors, and -f against a scripted event
// stream: events printed once in order as JSON Lines, Last-Event-ID on each reconnection, a 503
// retried with a doubling pause, a 400 ending the verb with the server's message.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <deque>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/command.hpp"
#include "cli/endpoint.hpp"
#include "cli/events/sse_reader.hpp"
#include "cli/events/verbs.hpp"
#include "cli/events/view.hpp"
#include "verb_fixture.hpp"

namespace kaso::cli {
namespace {

using namespace std::literals;
using events::sse_message;
using events::sse_reader;

std::vector<sse_message> read_all(sse_reader& reader, std::string_view bytes) {
  auto r = reader.feed(bytes);
  EXPECT_TRUE(r.ok());
  return r.ok() ? r.value() : std::vector<sse_message>{};
}

TEST(sse_reader, messages_split_anywhere_come_out_whole) {
  const std::string stream =
      ": keep-alive\n\nid: 1\ndata: {\"seq\":1}\n\nid: 2\r\ndata: a\r\ndata: b\r\n\r\nid: 9\n\n";
  for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
    sse_reader reader;
    std::vector<sse_message> all;
    for (std::size_t at = 0; at < stream.size(); at += piece) {
      auto got = read_all(reader, std::string_view(stream).substr(at, piece));
      all.insert(all.end(), got.begin(), got.end());
    }
    ASSERT_EQ(all.size(), 3u) << "pieces of " << piece;
    EXPECT_EQ(all[0].id, "1");
    EXPECT_EQ(all[0].data, "{\"seq\":1}");
    EXPECT_EQ(all[1].id, "2");
    EXPECT_EQ(all[1].data, "a\nb");
    EXPECT_EQ(all[2].id, "9");
    EXPECT_FALSE(all[2].data.has_value()) << "a position carries no data";
    EXPECT_EQ(reader.comments(), 1u);
  }
}

TEST(sse_reader, field_rules) {
  sse_reader reader;
  auto got = read_all(reader, "data:no space\revent: ping\rretry: 5\r\r\n\nid\nfoo: bar\n\n"
                              "id: a\0b\ndata: x\n\n"sv);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].data, "no space");
  EXPECT_EQ(got[0].event, "ping");
  EXPECT_FALSE(got[0].id.has_value());
  EXPECT_EQ(got[1].id, "") << "a bare 'id' line is an empty id";
  EXPECT_FALSE(got[2].id.has_value()) << "an id holding NUL is ignored";
  EXPECT_EQ(got[2].data, "x");
}

nlohmann::json sample_event(int seq) {
  return {{"seq", seq},
          {"time", "2026-11-25T12:00:00.000000Z"},
          {"kind", "identity"},
          {"id", "1"},
          {"type", "identity.created"},
          {"cause", {{"uid", 1000}, {"pid", 42}, {"origin", "unix"}}}};
}

TEST(event_line, fixed_columns_and_no_control_characters) {
  EXPECT_EQ(events::event_line_header(),
            "   Seq  Time                         Kind      Id      Type                    Cause (uid/pid)\n");
  EXPECT_EQ(events::event_line(sample_event(12)),
            "    12  2026-11-25T12:00:00.000000Z  identity  1       identity.created        1000/42\n");
  auto odd = sample_event(3);
  odd["id"] = "a\x1b[2Jb";
  odd.erase("cause");
  EXPECT_EQ(events::event_line(odd),
            "     3  2026-11-25T12:00:00.000000Z  identity  a?[2Jb  identity.created\n");
}

class events_tail : public testing::verb_fixture {};

TEST_F(events_tail, asks_for_the_last_n_matching_events) {
  server.answer("GET", "/api/v1/events?since=2026-11-30T12%3A00%3A00Z&kind=task&id=3&last=5", 200,
                nlohmann::json::array({sample_event(7)}));
  auto r = kaso({"events", "tail", "-n", "5", "--since", "2026-11-30T12:00:00Z", "--kind", "task",
                 "--id", "3", "-o", "json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out), nlohmann::json::array({sample_event(7)}));
}

TEST_F(events_tail, prints_the_list_table_by_default) {
  server.answer("GET", "/api/v1/events?last=10", 200, nlohmann::json::array({sample_event(7)}));
  auto r = kaso({"events", "tail"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, render(events::events_table(nlohmann::json::array({sample_event(7)}))));
}

TEST_F(events_tail, bad_input_is_a_usage_error) {
  struct bad {
    std::vector<std::string> args;
    std::string message;
  };
  for (const auto& b : std::vector<bad>{
           {{"--since", "abc"}, "--since must be a sequence number or a UTC time like 2026-11-30T12:00:00Z, got 'abc'"},
           {{"--since", "2026-11-30 12:00:00"}, "--since must be a sequence number or a UTC time like "
                                                "2026-11-30T12:00:00Z, got '2026-11-30 12:00:00'"},
           {{"-n", "-3"}, "-n must be a number, got '-3'"},
           {{"--kind", "vm"}, "--kind must be identity, image, network, instance, task or host, got 'vm'"},
           {{"-f", "-o", "yaml"}, "unknown output format 'yaml' (use table or json)"}}) {
    std::vector<std::string> args{"events", "tail"};
    args.insert(args.end(), b.args.begin(), b.args.end());
    auto r = kaso(args);
    EXPECT_EQ(r.code, exit_usage);
    EXPECT_EQ(r.err, "kaso: " + b.message + " (see 'kaso events tail -h')\n");
    EXPECT_EQ(r.out, "");
  }
  EXPECT_TRUE(server.requests().empty());
}

// An event stream server on a Unix socket: each connection gets the next scripted answer (a
// status and a body; 200 bodies go out as text/event-stream, in chunks, then the stream ends).
class scripted_stream_server {
 public:
  struct answer {
    int status;
    std::string body;
  };

  explicit scripted_stream_server(std::deque<answer> script) : script_(std::move(script)) {
    server_.Get("/api/v1/events", [this](const httplib::Request& req, httplib::Response& res) {
      answer next{503, R"({"error":{"code":"unavailable","message":"script ended"}})"};
      {
        std::lock_guard lock(mu_);
        targets_.push_back(req.target);
        last_event_ids_.push_back(req.get_header_value("Last-Event-ID"));
        if (!script_.empty()) {
          next = script_.front();
          script_.pop_front();
        }
      }
      res.status = next.status;
      if (next.status != 200) return res.set_content(next.body, "application/json");
      res.set_chunked_content_provider("text/event-stream", [body = next.body](std::size_t, httplib::DataSink& sink) {
        for (std::size_t at = 0; at < body.size(); at += 5) sink.write(body.data() + at, std::min<std::size_t>(5, body.size() - at));
        sink.done();
        return true;
      });
    });
    server_.set_address_family(AF_UNIX);
    socket_ = dir_.path() / "kaso.sock";
    EXPECT_TRUE(server_.bind_to_port(socket_.string(), 80));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~scripted_stream_server() {
    server_.stop();
    thread_.join();
  }

  endpoint where() const { return {endpoint::kind::unix_socket, socket_, "", 0}; }
  std::vector<std::string> last_event_ids() const {
    std::lock_guard lock(mu_);
    return last_event_ids_;
  }
  std::vector<std::string> targets() const {
    std::lock_guard lock(mu_);
    return targets_;
  }

 private:
  testing::temp_dir dir_;
  std::filesystem::path socket_;
  mutable std::mutex mu_;
  std::deque<answer> script_;
  std::vector<std::string> last_event_ids_;
  std::vector<std::string> targets_;
  httplib::Server server_;
  std::thread thread_;
};

std::string frame(int seq) { return "id: " + std::to_string(seq) + "\ndata: " + sample_event(seq).dump() + "\n\n"; }

struct follow_run {
  int code;
  std::string out;
  std::string err;
  std::vector<std::chrono::milliseconds> pauses;
};

// Runs `kaso events tail ARGS` against `server`, following for `connections` connections.
follow_run follow(const scripted_stream_server& server, std::vector<std::string> args, int connections) {
  follow_run run{};
  int ended = 0;
  events::tail_env env{[&](std::chrono::milliseconds d) { run.pauses.push_back(d); },
                       [&] { return ++ended < connections; }};
  auto cmd = events::make_tail(env);
  std::ostringstream out, err;
  auto connect = [&]() -> result<api_client> { return api_client(server.where()); };
  run.code = run_command(*cmd, args, connect, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

TEST(events_tail_follow, prints_each_event_once_and_resumes_after_the_last_position) {
  scripted_stream_server server({
      {200, ": keep-alive\n\n" + frame(1) + frame(2) + "id: 3\n\n"},
      {200, frame(4) + frame(2) + frame(5)},  // 2 again: a duplicate is not printed
      {503, R"({"error":{"code":"unavailable","message":"too many event followers (64); try again later"}})"},
      {200, frame(6)},
  });
  auto run = follow(server, {"-f", "--kind", "identity", "-o", "json"}, 4);
  EXPECT_EQ(run.code, 0) << run.err;
  std::string expected;
  for (int seq : {1, 2, 4, 5, 6}) expected += sample_event(seq).dump() + "\n";
  EXPECT_EQ(run.out, expected);
  EXPECT_EQ(server.last_event_ids(), (std::vector<std::string>{"", "3", "5", "5"}));
  EXPECT_EQ(server.targets().front(), "/api/v1/events?follow=true&kind=identity&last=10");
  EXPECT_EQ(run.pauses, (std::vector<std::chrono::milliseconds>{100ms, 100ms, 200ms}))
      << "the pause doubles while the server refuses, and starts again after a stream";
  const std::string ended = "kaso: kaso-server at " + server.where().to_string() + " ended the event stream; reconnecting\n";
  const std::string again = "kaso: following kaso-server at " + server.where().to_string() + " again\n";
  EXPECT_EQ(run.err, ended + again + ended + again) << "one line per outage and one when it is over";
}

TEST(events_tail_follow, prints_lines_under_a_header_without_json) {
  scripted_stream_server server({{200, frame(1) + frame(2)}});
  auto run = follow(server, {"-f"}, 1);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, events::event_line_header() + events::event_line(sample_event(1)) +
                         events::event_line(sample_event(2)));
}

TEST(events_tail_follow, a_refused_request_ends_with_the_servers_message) {
  scripted_stream_server server({
      {503, R"({"error":{"code":"unavailable","message":"busy"}})"},
      {400, R"({"error":{"code":"invalid_argument","message":"'since' must be a sequence number or an ISO-8601 UTC time"}})"},
  });
  auto run = follow(server, {"-f", "--since", "2026-13-45T99:00:00Z"}, 10);
  EXPECT_EQ(run.code, exit_failure);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("kaso: 'since' must be a sequence number or an ISO-8601 UTC time\n"), std::string::npos)
      << run.err;
}

TEST(events_tail_follow, a_server_that_is_not_there_is_retried) {
  testing::temp_dir dir;
  endpoint nowhere{endpoint::kind::unix_socket, dir.path() / "kaso.sock", "", 0};
  std::vector<std::chrono::milliseconds> pauses;
  int ended = 0;
  auto cmd = events::make_tail({[&](std::chrono::milliseconds d) { pauses.push_back(d); },
                                [&] { return ++ended < 7; }});
  std::ostringstream out, err;
  int code = run_command(*cmd, {"-f"}, [&]() -> result<api_client> { return api_client(nowhere); }, out, err);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(pauses, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 400ms, 800ms, 1600ms, 2000ms}));
  EXPECT_EQ(err.str(), "kaso: cannot connect to kaso-server at unix:" + nowhere.socket.string() +
                           "; reconnecting\n")
      << "said once per outage";
}

}  // namespace
}  // namespace kaso::cli
