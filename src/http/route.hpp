// A route of the management API: method, OpenAPI path template and handler. The route table is
// the single source of what the server serves; tests compare it with the OpenAPI document.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <httplib.h>

#include "events/event.hpp"

namespace kaso::http {

// The request as our handlers see it: httplib's request, the path parameter (if the template has
// one) and who is asking.
struct request_context {
  const httplib::Request& req;
  std::string param;
  events::cause who;
};

struct route {
  std::string method;  // "GET", "POST", "PATCH", "DELETE"
  std::string path;    // OpenAPI template, e.g. "/api/v1/identities/{ref}"
  std::function<void(const request_context&, httplib::Response&)> handler;
};

}  // namespace kaso::http
