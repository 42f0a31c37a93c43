// api_client: the CLI's one door to kaso-server's HTTP API (/api/v1), over the Unix socket or the
// loopback TCP listener. Every answer becomes a value: the JSON of a 2xx answer, or a kaso::error
// carrying the server's own `error.code` and `error.message`, or one that says the server could
// not be reached. Timeouts are finite: 5 s to connect, 60 s to read an answer unless the caller
// waits longer for a request the server answers only once slow work is done (set_read_timeout).
//
// Nothing happens on construction; each call is one request on a fresh connection. Not thread
// safe: one thread (the CLI's) uses an instance.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/endpoint.hpp"
#include "util/error.hpp"

namespace kaso::cli {

class api_client {
 public:
  static constexpr std::chrono::seconds default_read_timeout{60};

  // `bearer_token`, when not empty, is sent as `Authorization: Bearer <token>`.
  explicit api_client(endpoint server, std::string bearer_token = {});
  ~api_client();
  api_client(api_client&&) noexcept;
  api_client& operator=(api_client&&) noexcept;

  // `path` is below /api/v1 and already encoded (see url.hpp): get("/identities/mrmat").
  result<nlohmann::json> get(const std::string& path);
  result<nlohmann::json> post(const std::string& path, const nlohmann::json& body);
  result<nlohmann::json> patch(const std::string& path, const nlohmann::json& body);
  result<nlohmann::json> del(const std::string& path);
  // A POST that prefers to be answered at once (`Prefer: respond-async`, issue #18): `accepted`
  // when the server answered 202, and then `body` is the operation (GET /operations/{id} says how
  // it ends); otherwise `body` is the answer, as post() would give it. Errors as for post.
  struct async_answer {
    bool accepted = false;
    nlohmann::json body;
  };
  result<async_answer> post_async(const std::string& path, const nlohmann::json& body);
  // A GET whose 2xx answer is bytes, not JSON (an instance's console log): the body and the
  // answer's headers (names as the server sent them). Errors as for get.
  struct bytes_answer {
    std::string body;
    std::map<std::string, std::string> headers;
  };
  result<bytes_answer> get_bytes(const std::string& path);

  // How long each later request waits for its answer (default_read_timeout until set), for a
  // request the server answers only once slow work is done (creating, stopping an instance).
  // REQUIRES: timeout > 0.
  void set_read_timeout(std::chrono::seconds timeout);

  const endpoint& server() const;
  // The token sent with every request ("" when none), for a caller that opens its own
  // connection to the same server (the event stream of `events tail -f`).
  const std::string& bearer_token() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Reads the bearer token from `file`: its text without surrounding whitespace, or "" when the
// file does not exist. An unreadable file is an error.
// The error an API error object ({"code", "message"}) describes, `status` its HTTP status.
error error_of(const nlohmann::json& error_object, int status);

result<std::string> read_bearer_token(const std::filesystem::path& file);

}  // namespace kaso::cli
