// A blocking, cancellable, resumable download of one http(s) URL into a directory, with the
// SHA-256 computed while streaming, checksum verification, decompression and an atomic rename.
//
// Threads: download() blocks its caller for the whole transfer; run it on a thread that may block
// (the image actor's worker), one download per thread. `cancel` may be set from any thread;
// `on_progress` runs on the calling thread. Several downloads may run at once into different
// files; two downloads to the same destination exclude each other (the second fails `conflict`).
//
// Files, for dest_name "x.qcow2" in dest_dir:
//   .x.qcow2.part    the bytes as they arrive (compressed, if the URL serves compressed data)
//   .x.qcow2.unpack  the decompressed output while it is being written
//   x.qcow2          appears only when everything succeeded: fsync'd, then renamed into place
//
// What download() does with the .part file when it fails:
//   | failure                                                    | .part   | error code          |
//   |------------------------------------------------------------|---------|---------------------|
//   | the connection dropped or was reset mid-body               | kept    | unavailable         |
//   | stalled: no header or body byte for stall_timeout          | kept    | timeout             |
//   | cannot resolve / connect / TLS handshake (nothing changed) | kept    | unavailable         |
//   | cancelled through `cancel`                                 | removed | cancelled           |
//   | a resume answered with a range we did not ask for          | removed | unavailable         |
//   | HTTP status >= 400 (404/410 not_found, 401/403             | removed | not_found, ...      |
//   |   permission_denied, 408/429/5xx unavailable, others       |         |                     |
//   |   invalid_argument)                                        |         |                     |
//   | too many redirects (> 5), refused scheme or redirect       | removed | invalid_argument    |
//   | checksum mismatch                                          | removed | corruption          |
//   | corrupt compressed data                                    | removed | corruption          |
//   | local disk error (disk full, permissions)                  | removed | io_error, ...       |
// ("kept" only when it holds at least one byte.) Only an interrupted transfer keeps the .part:
// the next call with the same request hashes what is there and asks for the rest with an HTTP
// Range request. A 206 answer is appended; a 200 answer (a server that ignores Range) truncates
// the .part and starts cleanly from byte 0; a 416 whose Content-Range says the file is exactly
// as long as the .part means the .part is already complete.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaso::images {

// How a download treats compressed content.
enum class decompression {
  automatic,  // gzip/xz/zstd content (see detect_compression) is decompressed into dest_name
  never,      // dest_name receives the bytes as served
};

struct download_request {
  std::string url;  // http:// or https:// only; user:pass@ is allowed and never logged
  std::filesystem::path dest_dir;  // created if missing
  std::string dest_name;           // a plain file name; must not exist yet in dest_dir
  // Expected digests of the bytes as served (what distributions publish, i.e. of the compressed
  // file), lower- or upper-case hex. Either, both or none may be given.
  std::optional<std::string> expected_sha256;
  std::optional<std::string> expected_sha512;
  std::chrono::seconds stall_timeout{30};  // give up when nothing arrives for this long
  std::uint64_t min_rate_bytes_per_s = 1024;  // or when less arrives, on average, in such a window
  std::chrono::seconds connect_timeout{30};
  decompression decompress = decompression::automatic;
};

struct progress {
  std::uint64_t done = 0;   // bytes of the served file on disk (resumed bytes included)
  std::uint64_t total = 0;  // size of the served file; 0 if the server did not say
  double rate_bytes_per_s = 0;  // average over this call's transfer
};

struct download_result {
  std::filesystem::path final_path;
  std::string sha256;       // lower-case hex of the bytes as served
  std::uint64_t bytes = 0;  // bytes as served (before decompression)
};

using progress_callback = std::function<void(const progress&)>;

// Downloads request.url to dest_dir/dest_name as described above. on_progress (may be empty) is
// called at most 10 times a second while bytes arrive, and once more at the end of the transfer.
result<download_result> download(const download_request& request,
                                 const progress_callback& on_progress,
                                 const std::atomic<bool>& cancel);

// The URL with any user:password@ replaced by "***@": the only form of a URL that may appear in
// an error message or a log line. Works on malformed input too.
std::string redact_url(std::string_view url);

}  // namespace kaso::images
