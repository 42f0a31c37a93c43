// The fake API server: httplib::Server with catch-all handlers that record and answer.
#include "fake_api_server.hpp"

#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace kaso::cli::testing {

temp_dir::temp_dir() {
  std::string pattern = "/tmp/kaso-cli-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

fake_api_server::fake_api_server(transport how) {
  std::ofstream(config_file()) << "{}\n";
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  server_.Get(".*", handler);
  server_.Post(".*", handler);
  server_.Patch(".*", handler);
  server_.Delete(".*", handler);
  server_.Put(".*", handler);

  // Bound before the thread starts, so a request made right after construction is accepted.
  if (how == transport::unix_socket) {
    auto socket = dir() / "kaso.sock";
    server_.set_address_family(AF_UNIX);
    if (!server_.bind_to_port(socket.string(), 80)) throw std::runtime_error("bind failed");
    address_ = "unix:" + socket.string();
  } else {
    int port = server_.bind_to_any_port("127.0.0.1");
    if (port <= 0) throw std::runtime_error("bind failed");
    address_ = "http://127.0.0.1:" + std::to_string(port);
  }
  thread_ = std::thread([this] {
    server_.listen_after_bind();
    listen_returned_ = true;
  });
  // httplib's stop() does nothing until the listen loop has set is_running(): a server destroyed
  // before that would never stop. Wait for it (or for listen to have failed).
  while (!server_.is_running() && !listen_returned_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

fake_api_server::~fake_api_server() {
  server_.stop();
  thread_.join();
}

void fake_api_server::answer(const std::string& method, const std::string& target, int status,
                             const nlohmann::json& body) {
  answer_text(method, target, status, body.dump());
}

void fake_api_server::answer_text(const std::string& method, const std::string& target,
                                  int status, std::string body) {
  std::lock_guard lock(mu_);
  answers_[{method, target}] = {status, std::move(body)};
}

std::vector<recorded_request> fake_api_server::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void fake_api_server::handle(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mu_);
  requests_.push_back({req.method, req.target, req.body, req.headers});
  auto it = answers_.find({req.method, req.target});
  if (it == answers_.end()) {
    res.status = 404;
    auto e = api_error("not_found", "no canned answer for " + req.method + " " + req.target);
    res.set_content(e.dump(), "application/json");
    return;
  }
  res.status = it->second.first;
  res.set_content(it->second.second, "application/json");
}

}  // namespace kaso::cli::testing
