#include "slow_http_server.hpp"

#include <chrono>
#include <fstream>

namespace kaso::testing {

slow_http_server::slow_http_server(std::filesystem::path dir, std::size_t bytes_per_second)
    : dir_(std::move(dir)), rate_(bytes_per_second) {
  server_.Get(R"(/([A-Za-z0-9._-]+))", [this](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back("GET " + req.path + " range=" + req.get_header_value("Range"));
    }
    auto path = dir_ / std::string(req.matches[1]);
    if (!std::filesystem::exists(path)) {
      res.status = 404;
      return;
    }
    auto size = std::filesystem::file_size(path);
    res.set_content_provider(size, "application/octet-stream",
                             [this, path](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                               std::ifstream in(path, std::ios::binary);
                               in.seekg(static_cast<std::streamoff>(offset));
                               const std::size_t chunk = rate_ == 0 ? (1 << 20) : std::max<std::size_t>(rate_ / 20, 1);
                               std::vector<char> buf(std::min(chunk, length));
                               in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
                               if (rate_ != 0) {
                                 // Throttle: one chunk every 50 ms.
                                 std::this_thread::sleep_for(std::chrono::milliseconds(50));
                               }
                               return sink.write(buf.data(), static_cast<std::size_t>(in.gcount()));
                             });
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::yield();
}

slow_http_server::~slow_http_server() {
  server_.stop();
  thread_.join();
}

std::string slow_http_server::url(const std::string& name) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + name;
}

std::vector<std::string> slow_http_server::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

}  // namespace kaso::testing
