// Helpers for the images tests: a scratch directory, digests and compressors for expected values,
// and loopback_server, a real cpp-httplib server on 127.0.0.1 (ephemeral port) in its own thread
// that records the requests it saw. Handlers run on the server's threads.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace kaso::images::testing {

// A fresh directory under the system temp dir, removed with everything in it at destruction.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string sha256_hex(std::string_view data);
std::string sha512_hex(std::string_view data);
// Deterministic bytes that compress somewhat (like a disk image: runs and noise).
std::string make_payload(std::size_t size, unsigned seed = 1);
std::string gzip_compress(std::string_view data);
std::string xz_compress(std::string_view data);
std::string zstd_compress(std::string_view data);
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view data);
// Names of the entries of dir (files and directories, not recursive), sorted.
std::vector<std::string> list_dir(const std::filesystem::path& dir);

struct seen_request {
  std::string path;
  std::string range;  // the Range header, "" if none
};

class loopback_server {
 public:
  loopback_server();
  ~loopback_server();  // stops and joins

  // Register handlers, then start().
  httplib::Server& http() { return server_; }
  void start();
  // "http://127.0.0.1:<port><path>"
  std::string url(std::string_view path) const;
  std::vector<seen_request> requests() const;
  // Set when the server is stopping: slow handlers poll it to finish early.
  const std::atomic<bool>& stopping() const { return stopping_; }

  // Serves `body` at `path` with Content-Length and standard Range support (206).
  void serve(const std::string& path, std::string body);

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<seen_request> requests_;
};

// Writes body[offset, offset + length) to the sink in pieces of at most `piece` bytes; false if
// the client went away.
bool write_range(httplib::DataSink& sink, const std::string& body, std::size_t offset,
                 std::size_t length, std::size_t piece = 16 * 1024);

}  // namespace kaso::images::testing
