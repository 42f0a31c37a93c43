#include "http/api_server.hpp"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <thread>

#include <spdlog/spdlog.h>

#include "crypto/random.hpp"
#include "http/body_bounds.hpp"
#include "http/json_io.hpp"

namespace kaso::http {
namespace {

constexpr std::size_t max_body_bytes = 1 << 20;
constexpr std::size_t pool_threads = 128;  // keep-alive clients each hold a thread
// cpp-httplib (a compiled library in Debian) listens with a backlog of 5: a burst of one-shot CLI
// commands (a script starting instances in parallel) overflowed it and was refused. listen()
// again on the bound socket raises it.
constexpr int listen_backlog = 128;

// "/api/v1/identities/{ref}" -> "/api/v1/identities/([^/]+)"
std::string to_pattern(const std::string& path) {
  return std::regex_replace(path, std::regex(R"(\{[a-z_]+\})"), "([^/]+)");
}

// The real uid of a process, from /proc (the peer pid comes from SO_PEERCRED via httplib).
std::int64_t uid_of(std::int64_t pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Uid:", 0) == 0) return std::stoll(line.substr(4));
  }
  return -1;
}

bool socket_is_live(const std::filesystem::path& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return live;
}

}  // namespace

struct api_server::listener {
  httplib::Server server;
  std::thread thread;
  std::string origin;  // "unix" or "tcp"
  std::filesystem::path socket_path;
  int fd = -1;  // the listening socket, which httplib creates (and closes)

  listener() {
    server.set_socket_options([this](socket_t sock) {
      httplib::default_socket_options(sock);
      fd = sock;
    });
  }
  // After bind_to_port: the socket listens with listen_backlog.
  bool widen_backlog() const { return fd >= 0 && ::listen(fd, listen_backlog) == 0; }
};

api_server::api_server(api_context ctx) : ctx_(std::move(ctx)) {}

// Serves in a thread, and returns once the server runs: httplib's stop() is lost (and the join
// then hangs) when it comes before the listening thread has started.
void api_server::start(listener& l) {
  auto* srv = &l.server;
  l.thread = std::thread([srv] { srv->listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!srv->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

api_server::~api_server() { stop(); }

namespace {

// 411 for a body whose size could not be bounded before reading it (body_bounds.hpp).
httplib::Server::HandlerResponse bound_body(const httplib::Request& req, httplib::Response& res) {
  auto why = unbounded_body(req);
  if (why.empty()) return httplib::Server::HandlerResponse::Unhandled;
  nlohmann::json body = {{"error", {{"code", "length_required"}, {"message", why}}}};
  return refuse_unbounded_body(req, res, body.dump(), "application/json");
}

void install_routes(httplib::Server& server, const api_context& ctx, const std::string& origin) {
  server.new_task_queue = [] { return new httplib::ThreadPool(pool_threads); };
  server.set_payload_max_length(max_body_bytes);
  server.set_pre_routing_handler(bound_body);
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      write_error(res, error(errc::payload_too_large, "request body is larger than 1 MiB"));
    } else if (res.status == 404) {
      write_error(res, error::not_found("no such API route"));
    } else {
      write_json(res, res.status,
                 {{"error", {{"code", "http_" + std::to_string(res.status)}, {"message", "request failed"}}}});
    }
  });
  for (auto& r : all_routes(ctx)) {
    auto handler = [origin, h = r.handler](const httplib::Request& req, httplib::Response& res) {
      events::cause who;
      who.origin = origin;
      // Every event this request leads to carries it; the answer names it.
      who.correlation = events::new_correlation('r');
      res.set_header("X-Kaso-Correlation", who.correlation);
      if (origin == "unix") {
        who.pid = req.remote_port;
        who.uid = uid_of(who.pid);
      }
      request_context rc{req, req.matches.size() > 1 ? std::string(req.matches[1]) : std::string(), who};
      try {
        h(rc, res);
      } catch (const std::exception& ex) {
        spdlog::error("handler for {} {} failed: {}", req.method, req.path, ex.what());
        write_error(res, error::internal("the server failed to handle this request"));
      }
    };
    auto pattern = to_pattern(r.path);
    if (r.method == "GET") server.Get(pattern, handler);
    else if (r.method == "POST") server.Post(pattern, handler);
    else if (r.method == "PATCH") server.Patch(pattern, handler);
    else if (r.method == "DELETE") server.Delete(pattern, handler);
    else if (r.method == "PUT") server.Put(pattern, handler);
  }
}

}  // namespace

namespace {

// Gives the socket (bound at `bound`, a private name) and its directory to `group`, then moves
// it to `socket`: it never exists at its public name with other permissions. The directory gets
// only traverse rights for the group (0710): members reach the socket, not the files.
status share_with_group(const std::filesystem::path& bound, const std::filesystem::path& socket,
                        const std::string& group) {
  const struct group* g = ::getgrnam(group.c_str());
  if (g == nullptr) return error::invalid_argument("socket_group '" + group + "' does not exist");
  auto dir = socket.parent_path();
  if (::chown(bound.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0 || ::chmod(bound.c_str(), 0770) != 0 ||
      ::chown(dir.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0 || ::chmod(dir.c_str(), 0710) != 0) {
    return error::permission_denied("cannot give the socket to group '" + group + "' (is the owning user a member?): " +
                                    std::strerror(errno));
  }
  if (::rename(bound.c_str(), socket.c_str()) != 0) {
    return error::io_error("cannot move the socket to " + socket.string() + ": " + std::strerror(errno));
  }
  return ok_status();
}

}  // namespace

status api_server::listen_unix(const std::filesystem::path& socket, const std::string& group) {
  if (socket.string().size() >= sizeof(sockaddr_un::sun_path)) {
    return error::invalid_argument("socket path is too long for a Unix socket: " + socket.string());
  }
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(socket, ec))) {
    if (socket_is_live(socket)) {
      return error::unavailable("another kaso-server is listening on " + socket.string());
    }
    std::filesystem::remove(socket, ec);
  }
  auto l = std::make_unique<listener>();
  l->origin = "unix";
  l->socket_path = socket;
  install_routes(l->server, ctx_, l->origin);
  l->server.set_address_family(AF_UNIX);
  auto bound = group.empty() ? socket : socket.parent_path() / ".kaso.sock.new";
  if (!group.empty()) std::filesystem::remove(bound, ec);
  if (!l->server.bind_to_port(bound.string(), 80) || !l->widen_backlog()) {
    return error::io_error("cannot listen on " + bound.string());
  }
  if (!group.empty()) {
    if (auto s = share_with_group(bound, socket, group); !s.ok()) {
      std::filesystem::remove(bound, ec);
      return s;
    }
  }
  start(*l);
  listeners_.push_back(std::move(l));
  return ok_status();
}

status api_server::listen_tcp(const std::string& host, int port, const std::string& token) {
  if (token.empty()) return error::internal("the TCP listener needs a token");
  auto l = std::make_unique<listener>();
  l->origin = "tcp";
  install_routes(l->server, ctx_, l->origin);
  l->server.set_pre_routing_handler([expected = "Bearer " + token](const httplib::Request& req,
                                                                   httplib::Response& res) {
    // The token first: nobody unauthenticated learns anything, not even what a body needs.
    if (crypto::constant_time_equal(req.get_header_value("Authorization"), expected)) {
      return bound_body(req, res);
    }
    write_error(res, error(errc::unauthenticated, "a valid bearer token is required on the TCP listener"));
    return httplib::Server::HandlerResponse::Handled;
  });
  if (!l->server.bind_to_port(host, port) || !l->widen_backlog()) {
    return error::io_error("cannot listen on " + host + ":" + std::to_string(port));
  }
  start(*l);
  listeners_.push_back(std::move(l));
  return ok_status();
}

void api_server::stop() {
  for (auto& l : listeners_) {
    l->server.stop();
    if (l->thread.joinable()) l->thread.join();
    if (!l->socket_path.empty()) {
      std::error_code ec;
      std::filesystem::remove(l->socket_path, ec);
    }
  }
  listeners_.clear();
}

}  // namespace kaso::http
