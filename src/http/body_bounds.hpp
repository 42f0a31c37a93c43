// body_bounds: what every kaso HTTP listener (the API's Unix socket and TCP port, each
// instance's guest listener) accepts as a request body. Header-only, so that the guest listener
// uses it without the API's library; any listener thread may call it.
//
// Debian's cpp-httplib 0.11 applies set_payload_max_length to Content-Length bodies only: a
// chunked body, or a POST without Content-Length (read until the peer closes), was read whole
// into memory (a guest grew kaso-server by ~900 MB, issue #15). No client of ours needs either:
// the kaso CLI, cloud-init's phone home and the IP report send Content-Length. So a request
// with Transfer-Encoding, or a POST/PUT/PATCH without Content-Length, is answered 411 before
// any of its body is read, with Connection: close. (httplib itself keeps the connection and
// reads what follows as the next request: a request line is at most 8 KiB and the read times out
// after 5 s, so that stays bounded.) What Content-Length announces is then bounded by
// set_payload_max_length as before.
#pragma once

#include <string>

#include <httplib.h>

namespace kaso::http {

// Why `req` is refused (its body could not be bounded), or empty when it may be read.
inline std::string unbounded_body(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) {
    return "Transfer-Encoding is not accepted: send the body with a Content-Length";
  }
  const bool has_body_method = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
  if (has_body_method && !req.has_header("Content-Length")) {
    return "a " + req.method + " needs a Content-Length header";
  }
  return {};
}

// A pre-routing check: 411 with `body` (of `content_type`) and Connection: close for a body that
// could not be bounded, Unhandled otherwise.
inline httplib::Server::HandlerResponse refuse_unbounded_body(const httplib::Request& req, httplib::Response& res,
                                                              const std::string& body, const std::string& content_type) {
  if (unbounded_body(req).empty()) return httplib::Server::HandlerResponse::Unhandled;
  res.status = 411;
  res.set_header("Connection", "close");
  res.set_content(body, content_type);
  return httplib::Server::HandlerResponse::Handled;
}

}  // namespace kaso::http
