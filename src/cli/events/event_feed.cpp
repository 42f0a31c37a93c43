// event_feed over cpp-httplib: a streaming GET whose body goes through sse_reader.
#include "cli/events/event_feed.hpp"

#include <sys/socket.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace kaso::cli::events {
namespace {

constexpr time_t connect_timeout_s = 5;
constexpr std::size_t max_error_body = 64 * 1024;

// The server's error message from an answer {"error": {"message": ...}}, else the status.
std::string refusal_text(int status, const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    if (e.contains("message") && e["message"].is_string()) return e["message"].get<std::string>();
  }
  return "kaso-server answered HTTP " + std::to_string(status);
}

errc code_of_status(int status) {
  if (status == 400) return errc::invalid_argument;
  if (status == 401) return errc::unauthenticated;
  if (status == 403) return errc::permission_denied;
  if (status == 404) return errc::not_found;
  if (status == 503) return errc::unavailable;
  return errc::internal;
}

std::string transport_text(httplib::Error e, const endpoint& server) {
  const std::string where = "kaso-server at " + server.to_string();
  switch (e) {
    case httplib::Error::Connection: return "cannot connect to " + where;
    case httplib::Error::ConnectionTimeout: return "cannot connect to " + where + ": no answer";
    case httplib::Error::Read: return where + " closed the event stream or went silent";
    default: return "the event stream from " + where + " failed: " + httplib::to_string(e);
  }
}

}  // namespace

feed_end run_feed(const feed_request& request, const std::function<void()>& on_open,
                  const std::function<bool(const sse_message&)>& on_message) {
  const bool unix_socket = request.server.how == endpoint::kind::unix_socket;
  httplib::Client http(unix_socket ? request.server.socket.string() : request.server.host,
                       unix_socket ? 80 : request.server.port);
  if (unix_socket) http.set_address_family(AF_UNIX);
  http.set_connection_timeout(connect_timeout_s, 0);
  http.set_read_timeout(request.read_timeout);
  http.set_url_encode(false);
  if (!request.bearer_token.empty()) http.set_bearer_token_auth(request.bearer_token);
  // identity: a compressor would hold events back until its buffer fills.
  httplib::Headers headers{{"Accept", "text/event-stream"}, {"Accept-Encoding", "identity"}};
  if (request.last_event_id) headers.emplace("Last-Event-ID", std::to_string(*request.last_event_id));

  feed_end end;
  sse_reader reader;
  std::string error_body;
  bool stopped = false;
  std::optional<error> broken;  // the stream itself was unreadable
  auto on_response = [&](const httplib::Response& res) {
    end.status = res.status;
    const bool sse = res.get_header_value("Content-Type").rfind("text/event-stream", 0) == 0;
    end.streamed = res.status == 200 && sse;
    if (end.streamed) on_open();
    return res.status != 200 || sse;  // a 200 that is no stream: stop reading it
  };
  auto on_bytes = [&](const char* data, std::size_t size) {
    if (!end.streamed) {
      if (error_body.size() < max_error_body) error_body.append(data, size);
      return true;
    }
    auto messages = reader.feed(std::string_view(data, size));
    if (!messages.ok()) {
      broken = messages.error();
      return false;
    }
    for (const auto& m : messages.value()) {
      if (!on_message(m)) {
        stopped = true;
        return false;
      }
    }
    return true;
  };
  auto result = http.Get("/api/v1" + request.target, headers, on_response, on_bytes);

  if (stopped) {
    end.ended = feed_end::how::stopped;
  } else if (end.status == 200 && !end.streamed) {
    end.ended = feed_end::how::refused;
    end.problem = error::internal("kaso-server at " + request.server.to_string() +
                                  " answered without an event stream (is it older than this kaso?)");
  } else if (end.status != 0 && end.status != 200) {
    end.ended = feed_end::how::refused;
    end.problem = error(code_of_status(end.status), refusal_text(end.status, error_body));
  } else if (broken) {
    end.ended = feed_end::how::lost;
    end.problem = *broken;
  } else {
    end.ended = feed_end::how::lost;
    end.problem = error::unavailable(result ? "kaso-server at " + request.server.to_string() +
                                                  " ended the event stream"
                                            : transport_text(result.error(), request.server));
  }
  return end;
}

}  // namespace kaso::cli::events
