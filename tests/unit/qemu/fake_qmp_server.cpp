// fake_qmp_server: see fake_qmp_server.hpp.
#include "fake_qmp_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace kaso::qemu {
namespace {

void write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      return;  // the client went away: the test sees that on its side
    }
    done += static_cast<std::size_t>(n);
  }
}

// Waits up to 20 ms so the thread notices stop_ promptly.
bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 20) > 0;
}

}  // namespace

const std::string fake_qmp_server::qemu_greeting =
    R"({"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, )"
    R"("capabilities": ["oob"]}})";

fake_qmp_server::fake_qmp_server(std::string path, std::string greeting, script s)
    : path_(std::move(path)), greeting_(std::move(greeting)), script_(std::move(s)) {
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
  if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 1) != 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    return;
  }
  thread_ = std::thread{[this] { run(); }};
}

fake_qmp_server::~fake_qmp_server() {
  stop_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    ::unlink(path_.c_str());
  }
}

std::vector<nlohmann::json> fake_qmp_server::requests() const {
  std::lock_guard lock{mutex_};
  return requests_;
}

std::string fake_qmp_server::return_line(const nlohmann::json& request,
                                         const nlohmann::json& value) {
  nlohmann::json reply = {{"return", value}};
  if (request.contains("id")) {
    reply["id"] = request["id"];
  }
  return reply.dump();
}

void fake_qmp_server::run() {
  while (!stop_) {
    if (readable(listen_fd_)) {
      int connection = ::accept(listen_fd_, nullptr, nullptr);
      if (connection >= 0) {
        serve(connection);
        ::close(connection);
      }
      return;
    }
  }
}

void fake_qmp_server::serve(int connection) {
  if (!greeting_.empty()) {
    write_all(connection, greeting_ + "\r\n");
  }
  std::string buffer;
  while (!stop_) {
    if (!readable(connection)) {
      continue;
    }
    char chunk[4096];
    ssize_t n = ::read(connection, chunk, sizeof chunk);
    if (n <= 0) {
      return;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
    for (std::size_t newline; (newline = buffer.find('\n')) != std::string::npos;) {
      nlohmann::json request = nlohmann::json::parse(buffer.substr(0, newline), nullptr, false);
      buffer.erase(0, newline + 1);
      {
        std::lock_guard lock{mutex_};
        requests_.push_back(request);
      }
      bool negotiation = request.is_object() && request.value("execute", "") == "qmp_capabilities";
      reply r = negotiation
                    ? reply{{return_line(request, nlohmann::json::object())}}
                    : script_(request);
      for (const std::string& line : r.lines) {
        write_all(connection, line + "\r\n");
      }
      if (r.hang_up) {
        return;
      }
    }
  }
}

}  // namespace kaso::qemu
