// Parsing --server values. No network access here: connecting is api_client's job.
#include "cli/endpoint.hpp"

#include <charconv>

namespace kaso::cli {
namespace {

error bad_endpoint(std::string_view text) {
  return error::invalid_argument("invalid --server '" + std::string(text) +
                                 "': expected unix:PATH or http://HOST:PORT");
}

result<endpoint> parse_http(std::string_view original, std::string_view rest) {
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view host;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:8000
    auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return bad_endpoint(original);
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return bad_endpoint(original);
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || host.find_first_of("/?#") != std::string_view::npos || port.empty() ||
      ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
    return bad_endpoint(original);
  }
  endpoint e;
  e.how = endpoint::kind::http;
  e.host = std::string(host);
  e.port = static_cast<std::uint16_t>(value);
  return e;
}

}  // namespace

std::string endpoint::to_string() const {
  if (how == kind::unix_socket) return "unix:" + socket.string();
  bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

result<endpoint> parse_endpoint(std::string_view text) {
  constexpr std::string_view unix_prefix = "unix:";
  constexpr std::string_view http_prefix = "http://";
  if (text.starts_with(unix_prefix)) {
    auto path = text.substr(unix_prefix.size());
    if (path.empty()) return bad_endpoint(text);
    endpoint e;
    e.socket = std::filesystem::path(std::string(path));
    return e;
  }
  if (text.starts_with(http_prefix)) return parse_http(text, text.substr(http_prefix.size()));
  return bad_endpoint(text);
}

endpoint default_endpoint(const config& cfg) {
  endpoint e;
  e.socket = cfg.socket_path();
  return e;
}

}  // namespace kaso::cli
