// Implementation of the images test helpers.
#include "test_support.hpp"

#include <lzma.h>
#include <openssl/evp.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

namespace kaso::images::testing {
namespace {

std::string digest_hex(std::string_view data, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, md, nullptr);
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += digits[out[i] >> 4];
    hex += digits[out[i] & 0xf];
  }
  return hex;
}

}  // namespace

temp_dir::temp_dir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("kaso-images-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string sha256_hex(std::string_view data) { return digest_hex(data, EVP_sha256()); }
std::string sha512_hex(std::string_view data) { return digest_hex(data, EVP_sha512()); }

std::string make_payload(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out;
  out.reserve(size);
  while (out.size() < size) {
    const std::size_t run = std::min<std::size_t>(size - out.size(), 64 + rng() % 512);
    if (rng() % 2 == 0) {
      out.append(run, static_cast<char>(rng() % 4));
    } else {
      for (std::size_t i = 0; i < run; ++i) out += static_cast<char>(rng() & 0xff);
    }
  }
  return out;
}

std::string gzip_compress(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string xz_compress(std::string_view data) {
  std::string out(lzma_stream_buffer_bound(data.size()), '\0');
  std::size_t pos = 0;
  if (lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, nullptr,
                              reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                              reinterpret_cast<uint8_t*>(out.data()), &pos, out.size()) != LZMA_OK) {
    throw std::runtime_error("lzma_easy_buffer_encode");
  }
  out.resize(pos);
  return out;
}

std::string zstd_compress(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  if (ZSTD_isError(n)) throw std::runtime_error("ZSTD_compress");
  out.resize(n);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::vector<std::string> list_dir(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool write_range(httplib::DataSink& sink, const std::string& body, std::size_t offset,
                 std::size_t length, std::size_t piece) {
  const std::size_t end = std::min(body.size(), offset + length);
  for (std::size_t pos = offset; pos < end; pos += piece) {
    if (!sink.write(body.data() + pos, std::min(piece, end - pos))) return false;
  }
  return true;
}

loopback_server::loopback_server() {
  server_.set_keep_alive_timeout(1);
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
    std::lock_guard lock(mutex_);
    requests_.push_back({req.path, req.get_header_value("Range")});
    return httplib::Server::HandlerResponse::Unhandled;
  });
}

loopback_server::~loopback_server() {
  stopping_ = true;
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

void loopback_server::start() {
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("cannot bind 127.0.0.1");
  // The socket listens from here on: connections queue until the accept loop runs.
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs: wait for it, or the destructor could hang.
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

std::string loopback_server::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::vector<seen_request> loopback_server::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void loopback_server::serve(const std::string& path, std::string body) {
  auto shared = std::make_shared<std::string>(std::move(body));
  server_.Get(path, [shared](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(shared->size(), "application/octet-stream",
                             [shared](std::size_t offset, std::size_t length,
                                      httplib::DataSink& sink) {
                               return write_range(sink, *shared, offset, length);
                             });
  });
}

}  // namespace kaso::images::testing
