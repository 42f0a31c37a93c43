// /api/v1/events: the recorded events, read straight from the log (the store is thread-safe), as a
// JSON array or, with follow=true, as a stream of server-sent events (event_stream.hpp).
//
// Where the events start, by precedence:
//   Last-Event-ID: N  (follow only)  after N, whatever since and last say: a client resuming
//   last=N                           the last N matching events at or after `since`
//   since=SEQ | since=TIME           from sequence number SEQ, or from the first event recorded at
//                                    or after TIME (ISO-8601 UTC, 2026-11-30T12:00:00Z)
//   (nothing)                        from the first event
#include <algorithm>
#include <charconv>
#include <deque>
#include <limits>
#include <optional>

#include <spdlog/spdlog.h>

#include "domain/identity.hpp"
#include "events/codec.hpp"
#include "events/event_store.hpp"
#include "http/api_context.hpp"
#include "http/event_stream.hpp"
#include "http/json_io.hpp"

namespace kaso::http {
namespace {

std::optional<std::uint64_t> to_number(std::string_view text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

result<std::optional<std::uint64_t>> number_param(const httplib::Request& req, const char* key) {
  if (!req.has_param(key)) return std::optional<std::uint64_t>{};
  auto v = to_number(req.get_param_value(key));
  if (!v) return error::invalid_argument(std::string("'") + key + "' must be a non-negative integer");
  return std::optional<std::uint64_t>{*v};
}

// The first seq at or after TIME: events are appended in time order (an import keeps the times
// it recorded, which were in order too). Past the last event: the seq the next one will get.
result<std::uint64_t> first_at_or_after(const events::event_store& store, std::int64_t time_us) {
  std::uint64_t found = 0;
  auto s = store.read(1, [&](const events::event& e) {
    if (e.time_us < time_us) return true;
    found = e.seq;
    return false;
  });
  if (!s.ok()) return s.error();
  return found != 0 ? found : store.last_seq() + 1;
}

// `since`: a sequence number, or an ISO-8601 UTC time resolved against the log.
result<std::uint64_t> since_param(const httplib::Request& req, const events::event_store& store) {
  if (!req.has_param("since")) return std::uint64_t{1};
  auto text = req.get_param_value("since");
  if (auto seq = to_number(text)) return std::max<std::uint64_t>(*seq, 1);
  auto time = events::parse_time(text);
  // parse_time normalises what it cannot represent (month 13 is next January): a time whose
  // seconds do not come back as written named no real instant.
  if (time.ok() && events::format_time(time.value()).substr(0, 19) != text.substr(0, 19)) {
    time = error::invalid_argument("no such time");
  }
  if (!time.ok()) {
    return error::invalid_argument("'since' must be a sequence number or an ISO-8601 UTC time "
                                   "(2026-11-30T12:00:00Z), got '" + text + "'");
  }
  return first_at_or_after(store, time.value());
}

// Where the last `n` events matching `filter` at or after `from` begin: `from` when fewer match,
// the log's next seq when n is 0. Without a filter this is arithmetic on the gapless sequence;
// with one, a scan keeping the last n matching seqs.
result<std::uint64_t> start_of_last(const events::event_store& store, const event_filter& filter,
                                    std::uint64_t from, std::uint64_t n) {
  const std::uint64_t end = store.last_seq() + 1;
  if (n == 0) return std::max(from, end);
  if (filter.kind.empty() && filter.id.empty()) return std::max(from, end > n ? end - n : 1);
  std::deque<std::uint64_t> last;
  auto s = store.read(from, [&](const events::event& e) {
    if (!filter.matches(e)) return true;
    last.push_back(e.seq);
    if (last.size() > n) last.pop_front();
    return true;
  });
  if (!s.ok()) return s.error();
  return last.empty() ? from : last.front();
}

// The most events one answer holds (issue #15: limit=100000000 from 20 clients took the server
// to 2 GB); a client pages with since.
constexpr std::uint64_t max_events_per_answer = 10000;

status check_bounds(const std::optional<std::uint64_t>& n, const char* key) {
  if (n && *n > max_events_per_answer) {
    return error::invalid_argument(std::string("'") + key + "' is at most " + std::to_string(max_events_per_answer) +
                                   ": page through the log with 'since'");
  }
  return ok_status();
}

status check_kind(const std::string& kind) {
  const auto& kinds = events::aggregate_kinds;
  if (kind.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return ok_status();
  std::string names;
  for (auto k : kinds) names += (names.empty() ? "" : ", ") + std::string(k);
  return error::invalid_argument("'kind' must be one of " + names + ", not '" + kind + "'");
}

struct query {
  event_filter filter;
  std::uint64_t from = 1;
  std::optional<std::uint64_t> limit;
  bool follow = false;
};

result<bool> follow_param(const httplib::Request& req) {
  if (!req.has_param("follow")) return false;
  auto v = req.get_param_value("follow");
  if (v == "true") return true;
  if (v == "false") return false;
  return error::invalid_argument("'follow' must be true or false, got '" + v + "'");
}

result<query> parse_query(const httplib::Request& req, const events::event_store& store) {
  query q;
  q.filter = {req.get_param_value("kind"), req.get_param_value("id")};
  if (auto s = check_kind(q.filter.kind); !s.ok()) return s.error();
  auto follow = follow_param(req);
  if (!follow.ok()) return follow.error();
  q.follow = follow.value();
  auto limit = number_param(req, "limit");
  auto last = number_param(req, "last");
  if (!limit.ok()) return limit.error();
  if (!last.ok()) return last.error();
  // A followed stream is written in chunks as it is read (event_stream.hpp): only a list is one
  // answer in memory.
  if (auto s = check_bounds(limit.value(), "limit"); !s.ok()) return s.error();
  if (auto s = q.follow ? ok_status() : check_bounds(last.value(), "last"); !s.ok()) return s.error();
  if (last.value() && limit.value()) return error::invalid_argument("'last' and 'limit' cannot be combined");
  if (q.follow && limit.value()) return error::invalid_argument("'limit' does not apply to a followed stream");
  if (q.follow && req.has_header("Last-Event-ID")) {  // a client resuming: since and last are done
    auto id = parse_last_event_id(req.get_header_value("Last-Event-ID"));
    if (!id.ok()) return id.error();
    q.from = id.value() < std::numeric_limits<std::uint64_t>::max() ? id.value() + 1 : id.value();
    return q;
  }
  auto since = since_param(req, store);
  if (!since.ok()) return since.error();
  q.from = since.value();
  if (last.value()) {
    auto start = start_of_last(store, q.filter, q.from, *last.value());
    if (!start.ok()) return start.error();
    q.from = start.value();
    q.limit = *last.value();
  } else {
    q.limit = limit.value().value_or(max_events_per_answer);
  }
  return q;
}

void list(const events::event_store& store, const query& q, httplib::Response& res) {
  nlohmann::json out = nlohmann::json::array();
  std::uint64_t left = *q.limit;
  auto s = store.read(q.from, [&](const events::event& e) {
    if (left == 0) return false;
    if (q.filter.matches(e)) {
      auto shown = e;
      domain::redact_secrets(shown);
      out.push_back(events::to_json(shown));
      --left;
    }
    return true;
  });
  if (!s.ok()) return write_error(res, s.error());
  write_json(res, 200, out);
}

void follow(event_streams& streams, const query& q, httplib::Response& res) {
  auto admitted = streams.follow(q.filter, q.from);
  if (!admitted.ok()) return write_error(res, admitted.error());
  std::shared_ptr<event_follower> follower = std::move(admitted.value());
  res.set_header("Cache-Control", "no-cache");
  // The provider (and with it the follower) lives as long as the response: until the stream
  // ends, the client goes or the server stops.
  // httplib runs the provider outside the handler's exception net (api_server.cpp).
  res.set_chunked_content_provider("text/event-stream", [follower](std::size_t, httplib::DataSink& sink) {
    try {
      return follower->step([&sink](std::string_view bytes) { return sink.write(bytes.data(), bytes.size()); });
    } catch (const std::exception& ex) {
      spdlog::error("an event stream failed: {}", ex.what());
      return false;
    }
  });
}

}  // namespace

std::vector<route> event_routes(const api_context& ctx) {
  // One set of streams per route table, that is per listener: its follower limit guards that
  // listener's thread pool.
  auto streams = event_streams::make(ctx.store);
  return {
      {"GET", "/api/v1/events",
       [ctx, streams](const request_context& rc, httplib::Response& res) {
         auto q = parse_query(rc.req, *ctx.store);
         if (!q.ok()) return write_error(res, q.error());
         if (q->follow) return follow(*streams, q.value(), res);
         list(*ctx.store, q.value(), res);
       }},
  };
}

}  // namespace kaso::http
