// api_client over cpp-httplib. httplib's failures (an Error value, a status, a body that is not
// JSON) are turned into kaso::error here and nowhere else.
#include "cli/api_client.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <httplib.h>

namespace kaso::cli {
namespace {

constexpr std::string_view api_base = "/api/v1";
constexpr time_t connect_timeout_s = 5;

// Why a connection to a Unix socket failed: httplib only says "Connection", so look at the file.
std::string unix_socket_problem(const std::filesystem::path& socket) {
  std::error_code ec;
  if (!std::filesystem::exists(socket, ec)) return "no such socket (is kaso-server running?)";
  if (::access(socket.c_str(), R_OK | W_OK) != 0 && errno == EACCES) return "permission denied";
  return "connection refused (is kaso-server running?)";
}

error transport_error(httplib::Error e, const endpoint& server, std::chrono::seconds read_timeout) {
  const std::string where = "kaso-server at " + server.to_string();
  switch (e) {
    case httplib::Error::Connection: {
      auto why = server.how == endpoint::kind::unix_socket
                     ? unix_socket_problem(server.socket)
                     : std::string("connection refused (is kaso-server running?)");
      return error::unavailable("cannot connect to " + where + ": " + why);
    }
    case httplib::Error::ConnectionTimeout:
      return error::timeout("cannot connect to " + where + ": no answer within " +
                            std::to_string(connect_timeout_s) + " s");
    case httplib::Error::Read:
      return error::unavailable(where + " closed the connection or did not answer within " +
                                std::to_string(read_timeout.count()) + " s");
    case httplib::Error::Write:
      return error::unavailable("cannot send the request to " + where);
    default:
      return error::unavailable("request to " + where + " failed: " + httplib::to_string(e));
  }
}

errc code_of_status(int status) {
  switch (status) {
    case 400: return errc::invalid_argument;
    case 401: return errc::unauthenticated;
    case 403: return errc::permission_denied;
    case 404: return errc::not_found;
    case 409: return errc::conflict;
    case 413: return errc::payload_too_large;
    case 503: return errc::unavailable;
    case 504: return errc::timeout;
    default: return errc::internal;
  }
}

// The server's `error.code` string back into errc; an unknown string falls back to the status.
errc code_of(const nlohmann::json& code, int status) {
  if (code.is_string()) {
    for (int i = static_cast<int>(errc::invalid_argument); i <= static_cast<int>(errc::cancelled);
         ++i) {
      auto candidate = static_cast<errc>(i);
      if (to_string(candidate) == code.get_ref<const std::string&>()) return candidate;
    }
  }
  return code_of_status(status);
}

result<nlohmann::json> interpret(const httplib::Response& response) {
  auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  bool ok = response.status >= 200 && response.status < 300;
  if (ok) {
    if (response.body.empty()) return nlohmann::json();
    if (body.is_discarded()) return error::internal("kaso-server sent an answer that is not JSON");
    return body;
  }
  return error_of(body.is_object() && body.contains("error") ? body["error"] : nlohmann::json(), response.status);
}

}  // namespace

struct api_client::impl {
  impl(endpoint where, const std::string& bearer)
      : server(std::move(where)),
        token(bearer),
        http(server.how == endpoint::kind::unix_socket ? server.socket.string() : server.host,
             server.how == endpoint::kind::unix_socket ? 80 : server.port) {
    if (server.how == endpoint::kind::unix_socket) http.set_address_family(AF_UNIX);
    http.set_connection_timeout(connect_timeout_s, 0);
    http.set_read_timeout(read_timeout);
    http.set_write_timeout(default_read_timeout);
    http.set_url_encode(false);  // paths arrive encoded (url.hpp)
    http.set_default_headers({{"Accept", "application/json"}});
    if (!token.empty()) http.set_bearer_token_auth(token);
  }

  template <class Send>
  result<nlohmann::json> request(const std::string& path, Send&& send) {
    httplib::Result r = send(std::string(api_base) + path);
    if (!r) return transport_error(r.error(), server, read_timeout);
    return interpret(r.value());
  }

  endpoint server;
  std::string token;
  std::chrono::seconds read_timeout = default_read_timeout;
  httplib::Client http;
};

api_client::api_client(endpoint server, std::string bearer_token)
    : impl_(std::make_unique<impl>(std::move(server), bearer_token)) {}
api_client::~api_client() = default;
api_client::api_client(api_client&&) noexcept = default;
api_client& api_client::operator=(api_client&&) noexcept = default;

const std::string& api_client::bearer_token() const { return impl_->token; }

void api_client::set_read_timeout(std::chrono::seconds timeout) {
  impl_->read_timeout = timeout;
  impl_->http.set_read_timeout(timeout);
}

const endpoint& api_client::server() const { return impl_->server; }

result<nlohmann::json> api_client::get(const std::string& path) {
  return impl_->request(path, [&](const std::string& p) { return impl_->http.Get(p); });
}

result<api_client::bytes_answer> api_client::get_bytes(const std::string& path) {
  httplib::Result r = impl_->http.Get(std::string(api_base) + path);
  if (!r) return transport_error(r.error(), impl_->server, impl_->read_timeout);
  if (r->status < 200 || r->status >= 300) return interpret(r.value()).error();
  bytes_answer out;
  out.body = std::move(r->body);
  for (const auto& [k, v] : r->headers) out.headers[k] = v;
  return out;
}

result<nlohmann::json> api_client::post(const std::string& path, const nlohmann::json& body) {
  return impl_->request(path, [&](const std::string& p) {
    return impl_->http.Post(p, body.dump(), "application/json");
  });
}

result<nlohmann::json> api_client::patch(const std::string& path, const nlohmann::json& body) {
  return impl_->request(path, [&](const std::string& p) {
    return impl_->http.Patch(p, body.dump(), "application/json");
  });
}

result<nlohmann::json> api_client::del(const std::string& path) {
  return impl_->request(path, [&](const std::string& p) { return impl_->http.Delete(p); });
}

result<api_client::async_answer> api_client::post_async(const std::string& path, const nlohmann::json& body) {
  const httplib::Headers prefer = {{"Prefer", "respond-async"}};
  httplib::Result r = impl_->http.Post(std::string(api_base) + path, prefer, body.dump(), "application/json");
  if (!r) return transport_error(r.error(), impl_->server, impl_->read_timeout);
  auto answer = interpret(r.value());
  if (!answer) return answer.error();
  return async_answer{r->status == 202, std::move(*answer)};
}

error error_of(const nlohmann::json& e, int status) {
  if (!e.is_object()) return error(code_of_status(status), "kaso-server answered HTTP " + std::to_string(status));
  auto message = e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>()
                                                                     : "kaso-server answered HTTP " + std::to_string(status);
  return error(code_of(e.contains("code") ? e["code"] : nlohmann::json(), status), std::move(message));
}

result<std::string> read_bearer_token(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.empty() || !std::filesystem::exists(file, ec)) return std::string();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return error::io_error("cannot read the token file " + file.string() + ": " +
                           std::strerror(errno));
  }
  std::string s{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return std::string();
  auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace kaso::cli
