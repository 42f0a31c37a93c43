// One HTTP(S) request of a download through libcurl's easy interface: the Range request that
// resumes a .part file, streaming the body into it while the digests follow, progress reports,
// cancellation and our own stall watch.
//
// Private to src/images: only download() (downloader.cpp) drives a transfer, on the thread that
// called it; the libcurl callbacks run on that same thread. One `transfer` per download.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "images/downloader.hpp"
#include "images/part_writer.hpp"
#include "util/error.hpp"

namespace kaso::images {

// curl_global_init, once per process; call before the first run_request.
void init_curl_once();

// Everything the callbacks share with the transfer loop. The caller fills the first block and
// `offset`/`done`/`stall_timeout`; run_request maintains the rest.
struct transfer {
  using clock = std::chrono::steady_clock;

  CURL* curl = nullptr;  // the handle of the request in progress
  std::string url;       // for scrubbing messages only
  part_writer* writer = nullptr;  // of the locked .part: writes and hashes what the body brings
  const progress_callback* on_progress = nullptr;
  const std::atomic<bool>* cancel = nullptr;

  std::uint64_t offset = 0;  // bytes already in the .part when this request started
  std::uint64_t done = 0;    // bytes in the .part now
  std::uint64_t total = 0;   // size of the served file, 0 if unknown
  std::uint64_t session_bytes = 0;
  clock::time_point started = clock::now();
  clock::time_point last_report{};
  clock::time_point last_activity = clock::now();  // of the latest header line or body bytes
  std::chrono::seconds stall_timeout{30};
  std::uint64_t min_rate_bytes_per_s = 0;  // 0: none. Below it over a stall_timeout window: failure
  clock::time_point window_start = clock::now();
  std::uint64_t window_done = 0;  // `done` at window_start

  bool body_started = false;
  bool discard_body = false;     // a 416 to our Range: its body is not file content
  std::string status_line;       // of the latest response
  std::string content_range;     // of the latest response
  std::optional<error> failure;  // why a callback aborted the transfer
  bool cancelled = false;
  bool interrupted = false;  // the connection failed: the .part is worth resuming
};

// complete: the .part holds the whole served file. restart: a 416 to our Range that does not
// confirm the .part; the caller truncates (restart_from_zero) and asks once more without a Range.
enum class attempt_outcome { complete, restart };

// One HTTP request (following redirects) for r.url; `t.offset` bytes are already in the .part.
// On an error, `t.interrupted` says whether the .part is worth keeping for a resume.
result<attempt_outcome> run_request(transfer& t, const download_request& r);

// Truncates the .part and forgets what was hashed: the server is sending the whole file.
status restart_from_zero(transfer& t);

// Calls t.on_progress, at most every 100 ms unless `force`. An exception from the callback
// becomes t.failure.
void report_progress(transfer& t, bool force);

}  // namespace kaso::images
