// How the downloader judges what an HTTP exchange came back with: the Content-Range header of a
// resumed request, a final status code, and libcurl's result codes, turned into our error values
// (with the URL's credentials redacted). Which failures count as an interruption worth resuming
// is decided here, in is_interruption.
//
// Private to src/images: called by the transfer code (http_transfer.cpp). Pure: any thread.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaso::images {

// More redirects than this fail the download with invalid_argument.
inline constexpr long max_redirects = 5;

// "bytes START-END/TOTAL" or "bytes */TOTAL". Missing or malformed parts are nullopt.
struct content_range {
  std::optional<std::uint64_t> start;
  std::optional<std::uint64_t> total;
};

content_range parse_content_range(std::string_view value);

// A final status >= 300 as an error: 404/410 not_found, 401/403 permission_denied, 408/429/5xx
// unavailable, anything else invalid_argument. The status line's reason phrase is kept.
error http_status_error(long code, const std::string& status_line, const std::string& url);

// Transient network trouble (reset, timeout, cannot connect): the .part stays for a later resume.
bool is_interruption(CURLcode rc);

// A failed curl_easy_perform as an error. `done` is the byte count on disk; `detail` is libcurl's
// error buffer ("" to use curl_easy_strerror).
error curl_failure(CURLcode rc, const std::string& url, std::uint64_t done, const char* detail);

}  // namespace kaso::images
