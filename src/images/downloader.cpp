// download(): the orchestration of one download. See downloader.hpp for the file and failure
// rules. This file checks the request, locks the .part, hashes what an earlier call left there,
// drives HTTP requests (http_transfer.hpp) until the served file is whole, verifies the digests
// (digests.hpp), decompresses if needed and renames the result into place; it decides which
// failures keep the .part.
#include "images/downloader.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "images/decompress.hpp"
#include "images/digests.hpp"
#include "images/http_text.hpp"
#include "images/http_transfer.hpp"
#include "platform/file_io.hpp"
#include "platform/posix_error.hpp"

namespace kaso::images {
namespace {

using platform::unique_fd;
namespace fs = std::filesystem;

struct paths {
  fs::path part;
  fs::path unpack;
  fs::path final_file;
};

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

status validate(const download_request& r) {
  if (!starts_with_nocase(r.url, "http://") && !starts_with_nocase(r.url, "https://")) {
    return error::invalid_argument("refusing '" + redact_url(r.url) +
                                   "': only http and https URLs are allowed");
  }
  const auto& n = r.dest_name;
  if (n.empty() || n == "." || n == ".." || n.front() == '.' ||
      n.find_first_of(std::string_view("/\0", 2)) != std::string::npos) {
    return error::invalid_argument("'" + n + "' is not a plain file name (and may not start with '.')");
  }
  if (r.expected_sha256 && !is_hex_of_length(*r.expected_sha256, 64)) {
    return error::invalid_argument("expected_sha256 must be 64 hex digits");
  }
  if (r.expected_sha512 && !is_hex_of_length(*r.expected_sha512, 128)) {
    return error::invalid_argument("expected_sha512 must be 128 hex digits");
  }
  if (r.stall_timeout.count() <= 0 || r.connect_timeout.count() <= 0) {
    return error::invalid_argument("timeouts must be positive");
  }
  return ok_status();
}

// Opens and locks the .part; the lock keeps a second download of the same file out.
result<unique_fd> open_part(const fs::path& part) {
  auto fd = platform::open_file(part, O_RDWR | O_CREAT, 0644);
  if (!fd) return fd.error();
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return error::conflict("another download into '" + part.string() + "' is in progress");
    }
    return platform::posix_error("lock '" + part.string() + "'", errno);
  }
  return fd;
}

status verify(digests& hashes, const download_request& r, std::string& sha256_hex) {
  hashes.finish();
  sha256_hex = hashes.sha256.hex_digest();
  if (sha256_hex.empty()) return error::internal("OpenSSL: SHA-256 failed");
  if (r.expected_sha256 && lower(*r.expected_sha256) != sha256_hex) {
    return error::corruption("checksum mismatch for " + redact_url(r.url) + ": expected sha256 " +
                             lower(*r.expected_sha256) + ", got " + sha256_hex);
  }
  if (r.expected_sha512) {
    const auto got = hashes.sha512->hex_digest();
    if (got.empty()) return error::internal("OpenSSL: SHA-512 failed");
    if (lower(*r.expected_sha512) != got) {
      return error::corruption("checksum mismatch for " + redact_url(r.url) + ": expected sha512 " +
                               lower(*r.expected_sha512) + ", got " + got);
    }
  }
  return ok_status();
}

status rename_file(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return platform::posix_error("rename '" + from.string() + "' to '" + to.string() + "'", errno);
  }
  return ok_status();
}

// Moves the verified .part (or its decompressed form) into place.
status install(int part_fd, const paths& p, const download_request& r,
               const std::atomic<bool>& cancel) {
  char head[compression_magic_bytes] = {};
  const ssize_t got = ::pread(part_fd, head, sizeof head, 0);
  if (got < 0) return platform::posix_error("read '" + p.part.string() + "'", errno);
  const std::string_view url_path = std::string_view(r.url).substr(
      0, std::min(r.url.find_first_of("?#"), r.url.size()));
  const auto kind = r.decompress == decompression::never
                        ? compression::none
                        : detect_compression(url_path, {head, static_cast<std::size_t>(got)});
  if (kind == compression::none) return rename_file(p.part, p.final_file);
  remove_quietly(p.unpack);  // a leftover of a crash; we hold the .part lock
  if (auto st = decompress_file(p.part, p.unpack, kind, cancel); !st) return st;
  if (auto st = rename_file(p.unpack, p.final_file); !st) {
    remove_quietly(p.unpack);
    return st;
  }
  remove_quietly(p.part);
  return ok_status();
}

// Runs HTTP requests until the .part holds the whole served file, restarting from byte 0 at
// most once. On failure, keep_part says whether the .part is worth a later resume.
status fetch_whole_file(transfer& t, const download_request& r, bool& keep_part) {
  for (int attempt = 0;; ++attempt) {
    auto outcome = run_request(t, r);
    if (!outcome) {
      keep_part = t.interrupted && t.done > 0;
      return outcome.error();
    }
    if (*outcome == attempt_outcome::complete) return ok_status();
    if (attempt > 0) return error::unavailable(redact_url(r.url) + ": the server refuses ranges");
    if (auto st = restart_from_zero(t); !st) return st;
    t.body_started = false;
    t.discard_body = false;
  }
}

result<download_result> download_locked(int fd, const paths& p, const download_request& r,
                                        const progress_callback& on_progress,
                                        const std::atomic<bool>& cancel, bool& keep_part) {
  digests hashes(r.expected_sha512.has_value());
  auto existing = hash_existing(fd, p.part, hashes, cancel);
  if (!existing) return existing.error();

  part_writer writer(fd, p.part, hashes, *existing);
  transfer t;
  t.url = r.url;
  t.writer = &writer;
  t.on_progress = &on_progress;
  t.cancel = &cancel;
  t.offset = *existing;
  t.done = *existing;
  t.stall_timeout = r.stall_timeout;
  t.min_rate_bytes_per_s = r.min_rate_bytes_per_s;

  if (auto st = fetch_whole_file(t, r, keep_part); !st) return st.error();
  if (auto st = writer.finish(); !st) return st.error();
  report_progress(t, true);
  if (auto st = platform::sync_file(fd, p.part); !st) return st.error();

  download_result out;
  if (auto st = verify(hashes, r, out.sha256); !st) return st.error();
  out.bytes = t.done;
  if (auto st = install(fd, p, r, cancel); !st) return st.error();
  if (auto st = platform::sync_directory(r.dest_dir); !st) return st.error();
  out.final_path = p.final_file;
  return out;
}

}  // namespace

std::string redact_url(std::string_view url) {
  const auto userinfo = userinfo_of(url);
  if (userinfo.empty()) return std::string(url);
  const auto start = static_cast<std::size_t>(userinfo.data() - url.data());
  std::string out(url.substr(0, start));
  out += "***";
  out += url.substr(start + userinfo.size());
  return out;
}

result<download_result> download(const download_request& request,
                                 const progress_callback& on_progress,
                                 const std::atomic<bool>& cancel) {
  if (auto st = validate(request); !st) return st.error();
  init_curl_once();
  std::error_code ec;
  fs::create_directories(request.dest_dir, ec);
  if (ec) {
    return error::io_error("cannot create '" + request.dest_dir.string() + "': " + ec.message());
  }
  const paths p{request.dest_dir / ("." + request.dest_name + ".part"),
                request.dest_dir / ("." + request.dest_name + ".unpack"),
                request.dest_dir / request.dest_name};
  if (fs::exists(p.final_file, ec)) {
    return error::already_exists("'" + p.final_file.string() + "' already exists");
  }
  auto fd = open_part(p.part);
  if (!fd) return fd.error();

  bool keep_part = false;
  auto out = download_locked(fd->get(), p, request, on_progress, cancel, keep_part);
  if (!out && !keep_part) remove_quietly(p.part);
  return out;
}

}  // namespace kaso::images
