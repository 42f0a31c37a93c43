// kaso events tail [-f] [-n N] [--since SEQ|TIME] [--kind KIND] [--id ID] [-o FORMAT]:
// the last N events (10 unless -n; with --since and no -n, all from there) matching the filters,
// oldest first: GET /api/v1/events with last=N, shown as the table of `events list` (-o json: the
// API's array).
//
// With -f it then follows the log: GET /api/v1/events?follow=true, a server-sent event stream
// (event_feed.hpp) that starts with the same last N and goes on with each event as it is
// recorded. Each event is printed as it arrives and flushed at once: one padded line (after a
// header line), or with -o json one JSON object per line (JSON Lines). When the connection drops
// or the server is not (yet) there, it connects again after 100 ms, doubling to at most 2 s,
// forever, with Last-Event-ID naming the last position the server reported (an event or a bare
// position), so nothing is missed or printed twice across a server restart. It runs until a signal
// ends the process (SIGINT, SIGTERM: their default action; everything printed was flushed).
//
//   stderr line                                          | when
//   -----------------------------------------------------+--------------------------------------
//   "kaso: <why>; reconnecting"                           | a connection failed, once per outage
//   "kaso: following kaso-server at ADDRESS again"         | the stream is back
//
// Errors (exit 1): the server refuses the request (4xx: a bad --since time; 503 is retried), it
// sends something that is not an event stream, or the output cannot be written. --since is
// resolved on the server: a number is a sequence number, a time (2026-11-30T12:00:00Z) the first
// event recorded at or after it; the client only checks the shape (usage error, exit 2).
#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <thread>

#include "cli/events/event_feed.hpp"
#include "cli/events/since.hpp"
#include "cli/events/verbs.hpp"
#include "cli/events/view.hpp"
#include "cli/output.hpp"
#include "cli/url.hpp"
#include "events/event.hpp"

namespace kaso::cli::events {
namespace {

constexpr const auto& kinds = kaso::events::aggregate_kinds;
constexpr std::chrono::milliseconds first_backoff{100};
constexpr std::chrono::milliseconds last_backoff{2000};

std::optional<std::uint64_t> to_number(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

class tail final : public command {
 public:
  explicit tail(tail_env env)
      : command("events", "tail", "Show the last events, and with -f follow new ones as they come"),
        env_(std::move(env)) {}

  std::string synopsis() const override {
    return "[-f] [-n N] [--since SEQ|TIME] [--kind KIND] [--id ID] [-o FORMAT]";
  }

  void add_options(cxxopts::Options& options) override {
    options.add_options()
        ("f,follow", "Keep printing new events as they are recorded, across server restarts")
        ("n,lines", "Show the last N matching events first (default 10; with --since, all from there)",
         cxxopts::value<std::string>(), "N")
        ("since", "Only events from sequence number SEQ, or recorded at or after TIME "
                  "(ISO-8601 UTC: 2026-11-30T12:00:00Z)", cxxopts::value<std::string>(), "SEQ|TIME")
        ("kind", "Only events of objects of this kind: identity, image, network, instance, task or host",
         cxxopts::value<std::string>(), "KIND")
        ("id", "Only events of the object with this id", cxxopts::value<std::string>(), "ID");
    add_output_option(options);
  }

  status take_options(const cxxopts::ParseResult& parsed) override {
    follow_ = parsed.count("follow") > 0;
    auto format = take_output_format(parsed);
    if (!format) return format.error();
    format_ = *format;
    // Without -n: the last 10, or with --since everything from there.
    std::optional<std::string> lines;
    if (parsed.count("lines")) lines = parsed["lines"].as<std::string>();
    else if (!parsed.count("since")) lines = "10";
    if (lines && !is_number(*lines)) return error::invalid_argument("-n must be a number, got '" + *lines + "'");
    std::vector<std::pair<std::string, std::string>> query;
    if (parsed.count("since")) {
      auto since = parsed["since"].as<std::string>();
      if (auto s = check_since(since); !s.ok()) return s;
      query.emplace_back("since", since);
    }
    if (parsed.count("kind")) {
      auto kind = parsed["kind"].as<std::string>();
      if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
        return error::invalid_argument("--kind must be identity, image, network, instance, task or host, got '" +
                                       kind + "'");
      }
      query.emplace_back("kind", kind);
    }
    if (parsed.count("id")) query.emplace_back("id", parsed["id"].as<std::string>());
    if (lines) query.emplace_back("last", *lines);
    if (follow_) query.insert(query.begin(), {"follow", "true"});
    target_ = "/events" + query_string(query);
    return ok_status();
  }

  status run(api_client& api, std::ostream& out, std::ostream& err) override {
    if (follow_) return follow(api.server(), api.bearer_token(), out, err);
    auto answer = api.get(target_);
    if (!answer) return answer.error();
    if (format_ == output_format::json) {
      print_json(out, *answer);
    } else {
      out << render(events_table(*answer));
    }
    return ok_status();
  }

 private:
  status follow(const endpoint& server, const std::string& token, std::ostream& out, std::ostream& err) {
    feed_request request{server, token, target_, std::nullopt, env_.read_timeout};
    auto backoff = first_backoff;
    bool lost = false;  // in an outage, told on err
    for (;;) {
      request.last_event_id = resume_;
      auto opened = [&] {
        backoff = first_backoff;
        if (lost) err << "kaso: following kaso-server at " << server.to_string() << " again\n" << std::flush;
        lost = false;
      };
      auto end = run_feed(request, opened, [&](const sse_message& m) { return take(m, out); });
      if (failure_) return *failure_;
      if (end.ended == feed_end::how::refused && end.status != 503) return end.problem;
      if (!env_.keep_following()) return ok_status();
      if (!lost) err << "kaso: " << end.problem.message() << "; reconnecting\n" << std::flush;
      lost = true;
      env_.pause(backoff);
      backoff = std::min(backoff * 2, last_backoff);
    }
  }

  // One message of the stream: an event is printed unless already printed; a position (an id
  // without data) only moves where a reconnection resumes.
  bool take(const sse_message& m, std::ostream& out) {
    if (!m.id) return true;
    auto seq = to_number(*m.id);
    if (!seq) {
      failure_ = error::internal("kaso-server sent an event id that is not a number: '" + *m.id + "'");
      return false;
    }
    if (resume_ && *seq <= *resume_) return true;
    if (m.data) {
      auto event = nlohmann::json::parse(*m.data, nullptr, false);
      if (event.is_discarded()) {
        failure_ = error::internal("kaso-server sent an event that is not JSON");
        return false;
      }
      print(event, out);
      if (!out) {
        failure_ = error::io_error("cannot write the events to the output");
        return false;
      }
    }
    resume_ = *seq;
    return true;
  }

  void print(const nlohmann::json& event, std::ostream& out) {
    if (format_ == output_format::json) {
      out << event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
      if (!header_printed_) out << event_line_header();
      header_printed_ = true;
      out << event_line(event);
    }
    out.flush();
  }

  tail_env env_;
  bool follow_ = false;
  output_format format_ = output_format::table;
  std::string target_;  // the request, below /api/v1
  std::optional<std::uint64_t> resume_;  // the last position printed or reported
  std::optional<error> failure_;
  bool header_printed_ = false;
};

}  // namespace

tail_env real_tail_env() {
  return {[](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }, [] { return true; }};
}

std::unique_ptr<command> make_tail(tail_env env) { return std::make_unique<tail>(std::move(env)); }

}  // namespace kaso::cli::events
