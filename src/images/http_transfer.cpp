// run_request: one libcurl easy handle per request, streaming into the .part file (through the
// part_writer, which also hashes the bytes). See http_transfer.hpp for who calls it.
//
// The HTTP status is judged by us, not by CURLOPT_FAILONERROR: on the first body byte (or after
// the transfer, for an empty body) we look at the final response code and decide whether to
// append (206 to our Range), restart from zero (200 to our Range), or fail (>= 300 after
// redirects). Callbacks never throw into libcurl: they record an error and abort the transfer.
#include "images/http_transfer.hpp"

#include <memory>
#include <mutex>
#include <string_view>

#include "images/http_outcome.hpp"
#include "images/http_text.hpp"

namespace kaso::images {
namespace {

using clock = transfer::clock;

constexpr auto progress_interval = std::chrono::milliseconds(100);

struct curl_deleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

long response_code(CURL* curl) {
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

std::optional<std::uint64_t> content_length(CURL* curl) {
  curl_off_t length = -1;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  if (length < 0) return std::nullopt;
  return static_cast<std::uint64_t>(length);
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<transfer*>(user);
  t.last_activity = clock::now();
  const std::string_view line = trim({data, size * count});
  if (starts_with_nocase(line, "http/")) {  // a new response (after a redirect or 100)
    t.status_line = std::string(line);
    t.content_range.clear();
  } else if (starts_with_nocase(line, "content-range:")) {
    t.content_range = std::string(trim(line.substr(14)));
  }
  return size * count;
}

// Decides, once the final response's body begins, how its bytes relate to the .part.
status begin_body(transfer& t) {
  t.body_started = true;
  const long code = response_code(t.curl);
  if (code == 416 && t.offset > 0) {  // judged after the transfer (run_request)
    t.discard_body = true;
    return ok_status();
  }
  if (code < 200 || code >= 300) return http_status_error(code, t.status_line, t.url);
  const auto length = content_length(t.curl);
  if (t.offset > 0 && code == 206) {
    const auto range = parse_content_range(t.content_range);
    if (range.start != t.offset) {
      return error::unavailable(redact_url(t.url) + ": the server answered the resume at byte " +
                                std::to_string(t.offset) + " with another range ('" +
                                t.content_range + "')");
    }
    t.total = range.total.value_or(length ? t.offset + *length : 0);
    return ok_status();
  }
  if (t.offset > 0) {  // 200 (or another 2xx) to our Range: the whole file follows
    if (auto st = restart_from_zero(t); !st) return st;
  }
  t.total = length.value_or(0);
  return ok_status();
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<transfer*>(user);
  const std::size_t n = size * count;
  t.last_activity = clock::now();
  if (t.cancel->load()) {
    t.cancelled = true;
    return 0;
  }
  if (!t.body_started) {
    if (auto st = begin_body(t); !st) {
      t.failure = st.error();
      return 0;
    }
  }
  if (t.discard_body) return n;
  if (auto st = t.writer->append(data, n); !st) {
    t.failure = st.error();
    return 0;
  }
  t.done += n;
  t.session_bytes += n;
  return n;
}

// Our own stall detection: libcurl's low-speed check averages over several seconds, so a
// connection that goes silent after a fast start would only be noticed much later.
// A trickle keeps a transfer "active" for ever (issue #15: 1 byte a second never timed out):
// each stall_timeout window must bring min_rate_bytes_per_s on average.
void check_rate(transfer& t) {
  const auto now = clock::now();
  if (t.failure || t.min_rate_bytes_per_s == 0 || now - t.window_start < t.stall_timeout) return;
  const std::uint64_t got = t.done - std::min(t.done, t.window_done);
  const auto seconds = static_cast<std::uint64_t>(t.stall_timeout.count());
  if (got < t.min_rate_bytes_per_s * seconds) {
    t.failure = error::timeout(redact_url(t.url) + ": too slow (" + std::to_string(got) + " bytes in " +
                               std::to_string(seconds) + " s, less than " + std::to_string(t.min_rate_bytes_per_s) +
                               " bytes/s) after " + std::to_string(t.done) + " bytes; call again to resume");
    t.interrupted = true;
    return;
  }
  t.window_start = now;
  t.window_done = t.done;
}

void check_stall(transfer& t) {
  check_rate(t);
  if (t.failure || clock::now() - t.last_activity <= t.stall_timeout) return;
  t.failure = error::timeout(redact_url(t.url) + ": stalled (no data for " +
                             std::to_string(t.stall_timeout.count()) + " s) after " +
                             std::to_string(t.done) + " bytes; call again to resume");
  t.interrupted = true;
}

int on_xferinfo(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& t = *static_cast<transfer*>(user);
  if (t.cancel->load()) {
    t.cancelled = true;
    return 1;
  }
  if (t.body_started && !t.discard_body) {
    t.writer->tick();
    report_progress(t, false);
  }
  check_stall(t);
  return t.failure ? 1 : 0;
}

void set_protocols(CURL* curl) {
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
}

// Everything but the Range: the URL, protocols, redirects, timeouts and our callbacks.
void set_options(CURL* c, transfer& t, const download_request& r, char* errbuf) {
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  set_protocols(c);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, max_redirects);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(r.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "kaso-mashin");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_xferinfo);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
}

// After a transfer that libcurl completed: a 416 to our Range, an empty body, or a short body.
result<attempt_outcome> judge_completed(transfer& t, const download_request& r) {
  const long code = response_code(t.curl);
  if (code == 416 && t.offset > 0) {
    // Asked for bytes past the end: either the .part is already whole, or it is stale.
    const auto range_info = parse_content_range(t.content_range);
    if (range_info.total == t.offset) {
      t.total = t.offset;
      return attempt_outcome::complete;
    }
    return attempt_outcome::restart;
  }
  if (!t.body_started) {  // an empty body: judge the response now
    if (auto st = begin_body(t); !st) return st.error();
  }
  if (t.total != 0 && t.done != t.total) {
    t.interrupted = true;
    return error::unavailable(redact_url(r.url) + ": got " + std::to_string(t.done) +
                              " bytes of " + std::to_string(t.total) + "; call again to resume");
  }
  return attempt_outcome::complete;
}

}  // namespace

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

status restart_from_zero(transfer& t) {
  if (auto st = t.writer->restart(); !st) return st;
  t.offset = 0;
  t.done = 0;
  return ok_status();
}

void report_progress(transfer& t, bool force) {
  if (t.on_progress == nullptr || !*t.on_progress) return;
  const auto now = clock::now();
  if (!force && now - t.last_report < progress_interval) return;
  t.last_report = now;
  const double seconds = std::chrono::duration<double>(now - t.started).count();
  progress p;
  p.done = t.done;
  p.total = t.total;
  p.rate_bytes_per_s = seconds > 0 ? static_cast<double>(t.session_bytes) / seconds : 0;
  try {
    (*t.on_progress)(p);
  } catch (...) {
    if (!t.failure) t.failure = error::internal("the progress callback threw an exception");
  }
}

result<attempt_outcome> run_request(transfer& t, const download_request& r) {
  std::unique_ptr<CURL, curl_deleter> curl(curl_easy_init());
  if (!curl) return error::internal("libcurl: cannot create a handle");
  t.curl = curl.get();
  t.last_activity = clock::now();
  t.window_start = t.last_activity;
  t.window_done = t.done;
  char errbuf[CURL_ERROR_SIZE] = {};
  const std::string range = std::to_string(t.offset) + "-";
  set_options(curl.get(), t, r, errbuf);
  if (t.offset > 0) curl_easy_setopt(curl.get(), CURLOPT_RANGE, range.c_str());

  const CURLcode rc = curl_easy_perform(curl.get());
  if (t.cancelled) return error{errc::cancelled, "download of " + redact_url(r.url) + " cancelled"};
  if (t.failure) return *t.failure;
  if (rc != CURLE_OK) {
    t.interrupted = is_interruption(rc);
    return curl_failure(rc, t.url, t.done, errbuf);
  }
  return judge_completed(t, r);
}

}  // namespace kaso::images
