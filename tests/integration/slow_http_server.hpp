// A loopback HTTP server for image tests: serves files of a directory, either at full speed or
// throttled (so that a test can watch progress, cancel, or kill the server mid-transfer), honours
// Range requests, and records every request's path and Range header.
#pragma once

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace kaso::testing {

class slow_http_server {
 public:
  // bytes_per_second 0: no throttling.
  slow_http_server(std::filesystem::path dir, std::size_t bytes_per_second);
  ~slow_http_server();

  std::string url(const std::string& name) const;
  // "GET /name range=bytes=123-" for each request, in order.
  std::vector<std::string> requests() const;

 private:
  std::filesystem::path dir_;
  std::size_t rate_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
};

}  // namespace kaso::testing
