// Where kaso-server listens, as the --server option spells it: `unix:PATH` (the default, the
// socket of the configuration) or `http://HOST:PORT` (the optional loopback TCP listener, which
// wants a bearer token). Value type; any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "util/error.hpp"

namespace kaso::cli {

struct endpoint {
  enum class kind { unix_socket, http };

  kind how = kind::unix_socket;
  std::filesystem::path socket;  // kind::unix_socket
  std::string host;              // kind::http; an IPv6 literal without its brackets
  std::uint16_t port = 0;        // kind::http

  // "unix:/home/u/var/kaso/kaso.sock" or "http://127.0.0.1:8000": the way --server takes it back.
  std::string to_string() const;

  friend bool operator==(const endpoint&, const endpoint&) = default;
};

// Parses the value of --server. An invalid_argument error says what was expected.
result<endpoint> parse_endpoint(std::string_view text);

// The server of `cfg`: its Unix socket.
endpoint default_endpoint(const config& cfg);

}  // namespace kaso::cli
