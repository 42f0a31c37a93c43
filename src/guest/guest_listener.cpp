#include "guest/guest_listener.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <fstream>
#include <sstream>
#include <thread>

#include <httplib.h>

#include "domain/ipv4.hpp"
#include "domain/names.hpp"
#include "guest/rate_limit.hpp"
#include "http/body_bounds.hpp"

namespace kaso::guest {
namespace {

constexpr std::size_t max_body = 64 * 1024;
constexpr std::size_t max_hostname = 253;

bool is_base64(std::string_view s) {
  if (s.empty() || s.size() > 16384) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
              c == '/' || c == '=';
    if (!ok) return false;
  }
  return true;
}

// "ssh-ed25519 AAAA... root@host" -> {"ssh-ed25519", "AAAA..."}
std::optional<std::pair<std::string, std::string>> split_key(std::string_view line) {
  auto space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto type = line.substr(0, space);
  auto rest = line.substr(space + 1);
  auto blob = rest.substr(0, rest.find_first_of(" \r\n"));
  if (type.empty() || type.size() > 64 || domain::has_control_characters(type) || !is_base64(blob)) {
    return std::nullopt;
  }
  for (char c : type) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '@' || c == '.';
    if (!ok) return std::nullopt;
  }
  return std::pair{std::string(type), std::string(blob)};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

domain::phone_home_report parse_phone_home(const std::multimap<std::string, std::string>& form) {
  domain::phone_home_report r;
  for (const auto& [key, value] : form) {
    if (key == "hostname" && value.size() <= max_hostname && !domain::has_control_characters(value)) {
      r.hostname = value;
    } else if (key.rfind("pub_key_", 0) == 0) {
      if (auto k = split_key(value)) r.host_keys[k->first] = k->second;
    }
  }
  return r;
}

std::optional<std::string> parse_ip_report(std::string_view text) {
  std::size_t at = 0;
  while ((at = text.find("inet ", at)) != std::string_view::npos) {
    at += 5;
    auto end = text.find_first_of("/ \n", at);
    auto candidate = std::string(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (domain::parse_ipv4(candidate).ok()) return candidate;
  }
  return std::nullopt;
}

struct guest_listener::impl {
  httplib::Server server;
  std::thread thread;
  std::string socket_path;
  ino_t socket_inode = 0;  // of the socket bound here: a successor's socket at the same path is not ours
  // What the guest reports (POSTs): 20 at once, then one a second; more are answered 429.
  std::mutex reports_mutex;
  rate_limit reports{20, std::chrono::seconds(1)};
  bool may_report() {
    std::lock_guard lock(reports_mutex);
    return reports.allow(rate_limit::clock::now());
  }
};

namespace {
ino_t inode_of(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}
}  // namespace

guest_listener::guest_listener(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

guest_listener::~guest_listener() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  // A listener started since for the same instance (a restarted manager adopting qemu) bound a
  // new socket at this path: leave it.
  if (impl_->socket_inode != 0 && inode_of(impl_->socket_path) == impl_->socket_inode) ::unlink(impl_->socket_path.c_str());
}

result<std::unique_ptr<guest_listener>> guest_listener::start(const std::string& socket_path,
                                                              const std::string& seed_dir,
                                                              guest_callbacks callbacks) {
  auto p = std::make_unique<impl>();
  p->socket_path = socket_path;
  auto& srv = p->server;
  srv.new_task_queue = [] { return new httplib::ThreadPool(2); };
  srv.set_payload_max_length(max_body);
  srv.set_read_timeout(10, 0);
  // A guest is not trusted: no body it sends is read unbounded (issue #15).
  srv.set_pre_routing_handler([limits = p.get()](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "POST" && !limits->may_report()) {
      res.status = 429;
      res.set_header("Retry-After", "1");
      return httplib::Server::HandlerResponse::Handled;
    }
    return http::refuse_unbounded_body(req, res, "", "text/plain");
  });
  if (!seed_dir.empty()) {
    srv.Get(R"(/(meta-data|user-data|network-config|vendor-data))", [seed_dir](const httplib::Request& req, httplib::Response& res) {
      std::string name = req.matches[1];
      std::string path = seed_dir + "/" + name;
      if (::access(path.c_str(), R_OK) != 0) {
        res.status = name == "vendor-data" ? 200 : 404;  // no vendor data: an empty document
        return;
      }
      res.set_content(read_file(path), "text/plain");
    });
  }
  srv.Post("/phone-home", [cb = callbacks.on_phone_home](const httplib::Request& req, httplib::Response& res) {
    if (cb) cb(parse_phone_home(req.params));
    res.status = 200;
  });
  srv.Post("/ip", [cb = callbacks.on_ip](const httplib::Request& req, httplib::Response& res) {
    auto ip = parse_ip_report(req.body);
    if (!ip) {
      res.status = 400;
      return;
    }
    if (cb) cb(*ip);
    res.status = 200;
  });
  // Anything else: an empty 404, whatever the method.
  srv.set_error_handler([](const httplib::Request&, httplib::Response& res) { res.body.clear(); });
  ::unlink(socket_path.c_str());
  srv.set_address_family(AF_UNIX);
  if (!srv.bind_to_port(socket_path, 80)) return error::io_error("cannot listen on " + socket_path);
  p->socket_inode = inode_of(socket_path);
  auto* raw = &srv;
  p->thread = std::thread([raw] { raw->listen_after_bind(); });
  // httplib's stop() is lost when it comes before the listening thread runs: wait for it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!srv.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<guest_listener>(new guest_listener(std::move(p)));
}

}  // namespace kaso::guest
