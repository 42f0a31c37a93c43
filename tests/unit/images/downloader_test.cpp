// download() against a real HTTP server on 127.0.0.1 (loopback_server): end-to-end bytes and
// digests, HTTP errors, redirects, resume after a dropped connection, servers that ignore Range,
// progress, cancellation, stalls, decompression and URL hygiene. Never leaves 127.0.0.1.
#include "images/downloader.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "test_support.hpp"

namespace kaso::images {
namespace {

using namespace std::chrono_literals;
using testing::list_dir;
using testing::loopback_server;
using testing::read_file;
using testing::sha256_hex;
using testing::temp_dir;
using testing::write_file;
using testing::write_range;

// A proxy from the environment must never see our loopback requests.
const bool no_proxy_for_loopback = [] {
  ::setenv("no_proxy", "127.0.0.1,localhost", 1);
  ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
  return true;
}();

const std::atomic<bool> never{false};

class downloader_test : public ::testing::Test {
 protected:
  download_request request(const std::string& path, const std::string& name = "image.qcow2") {
    download_request r;
    r.url = server.url(path);
    r.dest_dir = dir.path() / "images";
    r.dest_name = name;
    r.stall_timeout = 5s;
    return r;
  }
  std::filesystem::path images() const { return dir.path() / "images"; }
  std::vector<std::string> files() const {
    return std::filesystem::exists(images()) ? list_dir(images()) : std::vector<std::string>{};
  }

  // Declared first so that it outlives the server's handler threads.
  const std::string payload = testing::make_payload(1024 * 1024 + 123);
  temp_dir dir;
  loopback_server server;
};

TEST_F(downloader_test, full_download_is_verified_end_to_end) {
  server.serve("/image.qcow2", payload);
  server.start();
  auto r = request("/image.qcow2");
  r.expected_sha256 = sha256_hex(payload);
  r.expected_sha512 = testing::sha512_hex(payload);

  auto got = download(r, {}, never);

  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(got->final_path, images() / "image.qcow2");
  EXPECT_EQ(got->sha256, sha256_hex(payload));
  EXPECT_EQ(got->bytes, payload.size());
  EXPECT_EQ(read_file(got->final_path), payload);
  EXPECT_EQ(files(), std::vector<std::string>{"image.qcow2"});
}

TEST_F(downloader_test, upper_case_expected_digest_is_accepted) {
  server.serve("/image.qcow2", payload);
  server.start();
  auto r = request("/image.qcow2");
  std::string upper = sha256_hex(payload);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  r.expected_sha256 = upper;
  auto got = download(r, {}, never);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
}

TEST_F(downloader_test, wrong_checksum_leaves_nothing_behind) {
  server.serve("/image.qcow2", payload);
  server.start();
  auto r = request("/image.qcow2");
  r.expected_sha256 = sha256_hex("something else");

  auto got = download(r, {}, never);

  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::corruption);
  EXPECT_NE(got.error().message().find("checksum mismatch"), std::string::npos);
  EXPECT_NE(got.error().message().find(sha256_hex(payload)), std::string::npos);
  EXPECT_TRUE(files().empty()) << ::testing::PrintToString(files());
}

TEST_F(downloader_test, wrong_sha512_is_refused_too) {
  server.serve("/image.qcow2", payload);
  server.start();
  auto r = request("/image.qcow2");
  r.expected_sha512 = testing::sha512_hex("something else");
  auto got = download(r, {}, never);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::corruption);
  EXPECT_TRUE(files().empty());
}

TEST_F(downloader_test, http_404_is_not_found_with_the_status_in_the_message) {
  server.http().Get("/gone", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("<html>no such image</html>", "text/html");
  });
  server.start();

  auto empty_body = download(request("/missing"), {}, never);
  auto with_body = download(request("/gone"), {}, never);

  for (const auto* got : {&empty_body, &with_body}) {
    ASSERT_FALSE(got->ok());
    EXPECT_EQ(got->error().code(), errc::not_found);
    EXPECT_NE(got->error().message().find("HTTP 404"), std::string::npos)
        << got->error().message();
  }
  EXPECT_TRUE(files().empty()) << ::testing::PrintToString(files());
}

TEST_F(downloader_test, http_500_is_unavailable_and_keeps_no_part) {
  server.http().Get("/broken", [](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content("oops", "text/plain");
  });
  server.start();
  auto got = download(request("/broken"), {}, never);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::unavailable);
  EXPECT_NE(got.error().message().find("HTTP 500"), std::string::npos);
  EXPECT_TRUE(files().empty());
}

TEST_F(downloader_test, redirect_is_followed) {
  server.serve("/data", payload);
  server.http().Get("/redirect", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/data");
  });
  server.start();

  auto got = download(request("/redirect"), {}, never);

  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(read_file(got->final_path), payload);
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].path, "/redirect");
  EXPECT_EQ(seen[1].path, "/data");
}

TEST_F(downloader_test, redirect_loop_is_refused) {
  server.http().Get("/loop", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/loop");
  });
  server.start();

  auto got = download(request("/loop"), {}, never);

  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::invalid_argument);
  EXPECT_NE(got.error().message().find("redirect"), std::string::npos) << got.error().message();
  EXPECT_LE(server.requests().size(), 6u);  // the first request and at most 5 redirects
  EXPECT_TRUE(files().empty());
}

TEST_F(downloader_test, redirect_to_a_file_url_is_refused) {
  server.http().Get("/sneaky", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("file:///etc/passwd");
  });
  server.start();
  auto got = download(request("/sneaky", "passwd"), {}, never);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::invalid_argument);
  EXPECT_TRUE(files().empty());
}

TEST_F(downloader_test, non_http_schemes_are_refused_before_any_io) {
  server.start();
  for (const std::string url : {"file:///etc/passwd", "FILE:///etc/passwd", "ftp://127.0.0.1/x",
                                "gopher://127.0.0.1/x", "127.0.0.1/image", "dict://127.0.0.1/"}) {
    auto r = request("/unused");
    r.url = url;
    auto got = download(r, {}, never);
    ASSERT_FALSE(got.ok()) << url;
    EXPECT_EQ(got.error().code(), errc::invalid_argument) << url;
  }
  EXPECT_TRUE(server.requests().empty());
  EXPECT_FALSE(std::filesystem::exists(images()));
}

TEST_F(downloader_test, dropped_connection_keeps_the_part_and_the_next_call_resumes_with_range) {
  const std::size_t half = payload.size() / 2;
  auto calls = std::make_shared<std::atomic<int>>(0);
  server.http().Get("/drop", [&, calls](const httplib::Request&, httplib::Response& res) {
    const bool drop = (*calls)++ == 0;
    res.set_content_provider(payload.size(), "application/octet-stream",
                             [&, drop](std::size_t offset, std::size_t length,
                                       httplib::DataSink& sink) {
                               if (!drop) return write_range(sink, payload, offset, length);
                               write_range(sink, payload, offset, half - offset);
                               return false;  // hang up halfway
                             });
  });
  server.start();
  auto r = request("/drop");
  r.expected_sha256 = sha256_hex(payload);

  auto first = download(r, {}, never);

  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code(), errc::unavailable) << first.error().to_string();
  EXPECT_EQ(files(), std::vector<std::string>{".image.qcow2.part"});
  EXPECT_EQ(std::filesystem::file_size(images() / ".image.qcow2.part"), half);

  auto second = download(r, {}, never);

  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(read_file(second->final_path), payload);
  EXPECT_EQ(second->sha256, sha256_hex(payload));
  EXPECT_EQ(second->bytes, payload.size());
  EXPECT_EQ(files(), std::vector<std::string>{"image.qcow2"});
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].range, "");
  EXPECT_EQ(seen[1].range, "bytes=" + std::to_string(half) + "-");
}

TEST_F(downloader_test, server_that_ignores_range_gets_a_clean_restart) {
  // Whatever is in the .part must not survive: a 200 answer means the whole file follows.
  std::filesystem::create_directories(images());
  write_file(images() / ".image.qcow2.part", std::string(1000, 'X'));
  server.http().Get("/norange", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 200;  // not 206, whatever the Range header says
    res.set_chunked_content_provider("application/octet-stream",
                                     [&](std::size_t offset, httplib::DataSink& sink) {
                                       if (!write_range(sink, payload, 0, payload.size())) {
                                         return false;
                                       }
                                       sink.done();
                                       return true;
                                     });
  });
  server.start();
  auto r = request("/norange");
  r.expected_sha256 = sha256_hex(payload);

  auto got = download(r, {}, never);

  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(read_file(got->final_path), payload);
  EXPECT_EQ(got->bytes, payload.size());
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].range, "bytes=1000-");
}

TEST_F(downloader_test, a_part_that_is_already_complete_is_not_downloaded_again) {
  std::filesystem::create_directories(images());
  write_file(images() / ".image.qcow2.part", payload);
  server.serve("/image.qcow2", payload);
  server.start();
  auto r = request("/image.qcow2");
  r.expected_sha256 = sha256_hex(payload);

  auto got = download(r, {}, never);

  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(read_file(got->final_path), payload);
  EXPECT_EQ(files(), std::vector<std::string>{"image.qcow2"});
}

void serve_slowly(loopback_server& server, const std::string& path, const std::string& body,
                  std::size_t pieces, std::chrono::milliseconds pause) {
  server.http().Get(path, [&server, &body, pieces, pause](const httplib::Request&,
                                                           httplib::Response& res) {
    const std::size_t piece = (body.size() + pieces - 1) / pieces;
    res.set_content_provider(body.size(), "application/octet-stream",
                             [&server, &body, piece, pause](std::size_t offset, std::size_t length,
                                                             httplib::DataSink& sink) {
                               if (server.stopping()) return false;
                               if (!write_range(sink, body, offset, std::min(length, piece))) {
                                 return false;
                               }
                               std::this_thread::sleep_for(pause);
                               return true;
                             });
  });
}

TEST_F(downloader_test, progress_rises_and_is_throttled) {
  serve_slowly(server, "/slow", payload, 12, 50ms);
  server.start();
  std::vector<progress> seen;
  const auto start = std::chrono::steady_clock::now();

  auto got = download(request("/slow"), [&](const progress& p) { seen.push_back(p); }, never);

  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  ASSERT_GE(seen.size(), 3u);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].done, seen[i - 1].done);
  }
  EXPECT_LT(seen.front().done, seen.back().done);
  EXPECT_EQ(seen.back().done, payload.size());
  for (const auto& p : seen) EXPECT_EQ(p.total, payload.size());
  EXPECT_GT(seen.back().rate_bytes_per_s, 0.0);
  // At most ten a second, plus the final report.
  const auto max_calls = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() / 100 + 2;
  EXPECT_LE(static_cast<long>(seen.size()), max_calls);
}

// Issue #15: a trickle that never stalls still ends: less than the minimum rate over a window.
TEST_F(downloader_test, issue_15_a_trickle_below_the_minimum_rate_times_out) {
  serve_slowly(server, "/trickle", payload, 400, 50ms);  // a few hundred bytes a second
  server.start();
  auto r = request("/trickle");
  r.stall_timeout = 1s;
  r.min_rate_bytes_per_s = 1 << 20;
  auto got = download(r, {}, never);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::timeout);
  EXPECT_NE(got.error().message().find("too slow"), std::string::npos) << got.error().message();
}

TEST_F(downloader_test, cancel_from_the_progress_callback_removes_everything) {
  serve_slowly(server, "/slow", payload, 12, 50ms);
  server.start();
  std::atomic<bool> cancel{false};
  int calls = 0;

  auto got = download(request("/slow"), [&](const progress&) {
    ++calls;
    cancel = true;
  }, cancel);

  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::cancelled);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(files().empty()) << ::testing::PrintToString(files());
}

TEST_F(downloader_test, cancel_before_start_does_no_transfer) {
  server.serve("/image.qcow2", payload);
  server.start();
  const std::atomic<bool> cancelled{true};
  auto got = download(request("/image.qcow2"), {}, cancelled);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::cancelled);
  EXPECT_TRUE(files().empty());
}

TEST_F(downloader_test, a_stall_times_out_and_keeps_the_part_for_a_resume) {
  const std::size_t half = payload.size() / 2;
  server.http().Get("/stall", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(payload.size(), "application/octet-stream",
                             [&](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               if (offset < half) return write_range(sink, payload, offset, half - offset);
                               for (int i = 0; i < 300 && !server.stopping(); ++i) {
                                 std::this_thread::sleep_for(10ms);
                               }
                               return false;
                             });
  });
  server.start();
  auto r = request("/stall");
  r.stall_timeout = 1s;
  const auto start = std::chrono::steady_clock::now();

  auto got = download(r, {}, never);

  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::timeout) << got.error().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(files(), std::vector<std::string>{".image.qcow2.part"});
  EXPECT_EQ(std::filesystem::file_size(images() / ".image.qcow2.part"), half);
}

TEST_F(downloader_test, a_refused_connection_keeps_an_earlier_part) {
  // A port on 127.0.0.1 that is bound but not listening refuses connections.
  const int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sock, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::filesystem::create_directories(images());
  write_file(images() / ".image.qcow2.part", payload.substr(0, 1000));
  auto r = request("/image.qcow2");
  r.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/image.qcow2";

  auto got = download(r, {}, never);

  ::close(sock);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::unavailable) << got.error().to_string();
  EXPECT_EQ(read_file(images() / ".image.qcow2.part"), payload.substr(0, 1000));
}

TEST_F(downloader_test, a_throwing_progress_callback_is_an_error_not_a_crash) {
  serve_slowly(server, "/slow", payload, 4, 20ms);
  server.start();
  auto got = download(request("/slow"), [](const progress&) { throw std::runtime_error("boom"); },
                      never);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::internal);
  EXPECT_TRUE(files().empty()) << ::testing::PrintToString(files());
}

TEST_F(downloader_test, gzip_image_is_decompressed_and_the_served_bytes_are_hashed) {
  const std::string gz = testing::gzip_compress(payload);
  server.serve("/disk.qcow2.gz", gz);
  server.start();
  auto r = request("/disk.qcow2.gz");
  r.expected_sha256 = sha256_hex(gz);  // distributions publish the digest of what they serve

  auto got = download(r, {}, never);

  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(read_file(got->final_path), payload);
  EXPECT_EQ(got->sha256, sha256_hex(gz));
  EXPECT_EQ(got->bytes, gz.size());
  EXPECT_EQ(files(), std::vector<std::string>{"image.qcow2"});
}

TEST_F(downloader_test, xz_image_is_decompressed) {
  const std::string xz = testing::xz_compress(payload);
  server.serve("/FreeBSD.qcow2.xz", xz);
  server.start();
  auto r = request("/FreeBSD.qcow2.xz");
  r.expected_sha256 = sha256_hex(xz);
  auto got = download(r, {}, never);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(read_file(got->final_path), payload);
  EXPECT_EQ(files(), std::vector<std::string>{"image.qcow2"});
}

TEST_F(downloader_test, zstd_is_recognised_by_its_magic_without_a_suffix) {
  const std::string zst = testing::zstd_compress(payload);
  server.serve("/blob", zst);
  server.start();
  auto got = download(request("/blob"), {}, never);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(read_file(got->final_path), payload);
}

TEST_F(downloader_test, decompression_never_keeps_the_bytes_as_served) {
  const std::string gz = testing::gzip_compress(payload);
  server.serve("/disk.gz", gz);
  server.start();
  auto r = request("/disk.gz", "disk.gz");
  r.decompress = decompression::never;
  auto got = download(r, {}, never);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(read_file(got->final_path), gz);
}

TEST_F(downloader_test, corrupt_compressed_data_leaves_nothing_behind) {
  std::string bad = testing::gzip_compress(payload);
  bad.resize(bad.size() / 2);  // truncated stream, served completely
  server.serve("/disk.qcow2.gz", bad);
  server.start();
  auto got = download(request("/disk.qcow2.gz"), {}, never);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::corruption) << got.error().to_string();
  EXPECT_TRUE(files().empty()) << ::testing::PrintToString(files());
}

TEST_F(downloader_test, credentials_never_appear_in_error_messages) {
  server.start();
  auto r = request("/missing");
  r.url = "http://alice:s3cret@127.0.0.1:" + r.url.substr(r.url.rfind(':') + 1);

  auto got = download(r, {}, never);

  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::not_found);
  EXPECT_EQ(got.error().message().find("s3cret"), std::string::npos) << got.error().message();
  EXPECT_EQ(got.error().message().find("alice"), std::string::npos) << got.error().message();
  EXPECT_NE(got.error().message().find("http://***@127.0.0.1:"), std::string::npos)
      << got.error().message();

  auto refused = r;
  refused.url = "ftp://bob:hunter2@127.0.0.1/x";
  auto got_refused = download(refused, {}, never);
  ASSERT_FALSE(got_refused.ok());
  EXPECT_EQ(got_refused.error().message().find("hunter2"), std::string::npos);
}

TEST_F(downloader_test, an_existing_destination_is_never_overwritten) {
  server.serve("/image.qcow2", payload);
  server.start();
  std::filesystem::create_directories(images());
  write_file(images() / "image.qcow2", "precious");
  auto got = download(request("/image.qcow2"), {}, never);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::already_exists);
  EXPECT_EQ(read_file(images() / "image.qcow2"), "precious");
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(downloader_test, a_second_download_of_the_same_file_is_a_conflict) {
  server.serve("/image.qcow2", payload);
  server.start();
  std::filesystem::create_directories(images());
  const auto part = images() / ".image.qcow2.part";
  const int fd = ::open(part.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // as a running download holds it

  auto got = download(request("/image.qcow2"), {}, never);

  ::close(fd);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::conflict);
  EXPECT_TRUE(server.requests().empty());
  EXPECT_TRUE(std::filesystem::exists(part));  // the other download's file is left alone
}

TEST_F(downloader_test, bad_requests_are_invalid_arguments) {
  server.start();
  for (const std::string name : {"", ".", "..", ".hidden", "a/b", "../escape"}) {
    auto got = download(request("/x", name), {}, never);
    ASSERT_FALSE(got.ok()) << name;
    EXPECT_EQ(got.error().code(), errc::invalid_argument) << name;
  }
  auto r = request("/x");
  r.expected_sha256 = "abc";
  EXPECT_EQ(download(r, {}, never).error().code(), errc::invalid_argument);
  r.expected_sha256 = std::string(64, 'g');
  EXPECT_EQ(download(r, {}, never).error().code(), errc::invalid_argument);
  EXPECT_TRUE(server.requests().empty());
}

TEST(redact_url, replaces_user_and_password) {
  EXPECT_EQ(redact_url("https://user:pw@example.org/a?b#c"), "https://***@example.org/a?b#c");
  EXPECT_EQ(redact_url("http://token@host:8080/x"), "http://***@host:8080/x");
  EXPECT_EQ(redact_url("https://u:p@ss@host/"), "https://***@host/");
  EXPECT_EQ(redact_url("user:pw@host/path"), "***@host/path");
}

TEST(redact_url, leaves_other_urls_alone) {
  EXPECT_EQ(redact_url("https://example.org/a@b"), "https://example.org/a@b");
  EXPECT_EQ(redact_url("https://example.org/?q=x@y"), "https://example.org/?q=x@y");
  EXPECT_EQ(redact_url("not a url"), "not a url");
  EXPECT_EQ(redact_url(""), "");
}

}  // namespace
}  // namespace kaso::images
