// Waiting for a long instance request (start, stop, restart) as an operation (issue #18): the
// request is sent with `Prefer: respond-async`; a server that answers 202 hands back an operation,
// read with GET /operations/{id}?wait=... until it ends, and its end is the request's answer (the
// instance, or the request's error). While it runs, `waiting` says what the server is waiting for,
// on `progress` when that is a terminal: redrawn in place with the seconds waited, ended with a
// newline. Off a terminal nothing is printed (scripts read the answer). A server that answers at
// once (no 202) is taken as it answers.
//
// `bound` is how long the whole wait may take (the server's own bound on the request, plus a
// margin): past it, the wait fails with timeout, and the operation goes on in the server.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/api_client.hpp"
#include "cli/task/wait.hpp"
#include "util/error.hpp"

namespace kaso::cli::instance {

result<nlohmann::json> run_as_operation(api_client& api, const std::string& path, const nlohmann::json& body,
                                        std::chrono::seconds bound, const std::string& waiting,
                                        std::ostream& progress, const task::wait_env& env);

}  // namespace kaso::cli::instance
