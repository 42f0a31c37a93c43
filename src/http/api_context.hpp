// What the API's handlers need: the actor system and supervisor to send commands and queries to,
// the event log to read events from directly (it is thread-safe), and facts about the server.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "actors/protocols.hpp"
#include "http/operations.hpp"
#include "http/route.hpp"

namespace kaso::events {
class event_store;
}

namespace kaso::http {

struct server_info {
  std::string version;
  std::string effective_user;
  std::string owning_user;
  std::string path;
  long pid = 0;
  std::string accelerator;         // what every VM gets: kvm, hvf or tcg
  std::string accelerator_reason;  // why, one line
  std::string qemu_binary;         // as found in PATH
  std::string qemu_version;        // the first line of its --version
  std::string socket, events, images, instances;  // where this server keeps what
};

struct api_context {
  caf::actor_system* sys = nullptr;
  actors::supervisor_actor supervisor;
  events::event_store* store = nullptr;
  server_info info;
  std::shared_ptr<operations> ops = std::make_shared<operations>();  // long requests answered at once
};

std::vector<route> identity_routes(const api_context& ctx);
std::vector<route> event_routes(const api_context& ctx);
std::vector<route> image_routes(const api_context& ctx);
std::vector<route> machine_routes(const api_context& ctx);
std::vector<route> server_routes(const api_context& ctx);
std::vector<route> operation_routes(const api_context& ctx);
// Every route of the management API.
std::vector<route> all_routes(const api_context& ctx);

// The OpenAPI 3 document, as written by hand in src/http/openapi.json.
const char* openapi_document();

}  // namespace kaso::http
