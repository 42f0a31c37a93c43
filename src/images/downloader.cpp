// download(): libcurl easy interface, one handle per call, streaming into the .part file while
// OpenSSL EVP hashes the same bytes. See downloader.hpp for the file and failure rules.
//
// The HTTP status is judged by us, not by CURLOPT_FAILONERROR: on the first body byte (or after
// the transfer, for an empty body) we look at the final response code and decide whether to
// append (206 to our Range), restart from zero (200 to our Range), or fail (>= 300 after
// redirects). Callbacks never throw into libcurl: they record an error and abort the transfer.
#include "images/downloader.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <mutex>
#include <vector>

#include "images/decompress.hpp"
#include "platform/file_io.hpp"
#include "platform/posix_error.hpp"

namespace kaso::images {
namespace {

using clock = std::chrono::steady_clock;
using platform::unique_fd;
namespace fs = std::filesystem;

constexpr long max_redirects = 5;
constexpr auto progress_interval = std::chrono::milliseconds(100);
constexpr std::size_t hash_block = 1024 * 1024;

// ---- small string helpers -------------------------------------------------------------------

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

bool is_hex_of_length(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

// The user:password part of a URL ("" if none).
std::string_view userinfo_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  const std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto authority_end = std::min(url.find_first_of("/?#", start), url.size());
  const auto authority = url.substr(start, authority_end - start);
  const auto at = authority.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : authority.substr(0, at);
}

// Removes any trace of the URL's credentials from a library message.
std::string scrub(std::string message, std::string_view url) {
  const auto userinfo = userinfo_of(url);
  if (userinfo.empty()) return message;
  for (auto pos = message.find(userinfo); pos != std::string::npos;
       pos = message.find(userinfo, pos)) {
    message.replace(pos, userinfo.size(), "***");
  }
  return message;
}

// ---- hashing ----------------------------------------------------------------------------------

class hasher {
 public:
  explicit hasher(const EVP_MD* md) : md_(md), ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) { reset(); }

  void reset() { ok_ = ctx_ && EVP_DigestInit_ex(ctx_.get(), md_, nullptr) == 1; }
  void update(const char* data, std::size_t size) {
    ok_ = ok_ && EVP_DigestUpdate(ctx_.get(), data, size) == 1;
  }
  // Lower-case hex, or "" if OpenSSL failed somewhere.
  std::string hex_digest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!ok_ || EVP_DigestFinal_ex(ctx_.get(), digest, &size) != 1) return {};
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) {
      hex += digits[digest[i] >> 4];
      hex += digits[digest[i] & 0xf];
    }
    return hex;
  }

 private:
  const EVP_MD* md_;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
  bool ok_ = false;
};

struct digests {
  hasher sha256{EVP_sha256()};
  std::optional<hasher> sha512;

  void update(const char* data, std::size_t size) {
    sha256.update(data, size);
    if (sha512) sha512->update(data, size);
  }
  void reset() {
    sha256.reset();
    if (sha512) sha512->reset();
  }
};

// ---- libcurl plumbing ---------------------------------------------------------------------------

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct curl_deleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

// Everything the callbacks share with the transfer loop.
struct transfer {
  CURL* curl = nullptr;
  std::string url;  // for scrubbing messages only
  int fd = -1;
  fs::path part_path;
  digests* hashes = nullptr;
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

  bool body_started = false;
  bool discard_body = false;     // a 416 to our Range: its body is not file content
  std::string status_line;       // of the latest response
  std::string content_range;     // of the latest response
  std::optional<error> failure;  // why a callback aborted the transfer
  bool cancelled = false;
  bool interrupted = false;  // the connection failed: the .part is worth resuming
};

long response_code(CURL* curl) {
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
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

// "bytes START-END/TOTAL" or "bytes */TOTAL". Missing parts are nullopt.
struct content_range {
  std::optional<std::uint64_t> start;
  std::optional<std::uint64_t> total;
};

std::optional<std::uint64_t> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

content_range parse_content_range(std::string_view value) {
  content_range out;
  if (!starts_with_nocase(value, "bytes")) return out;
  value = trim(value.substr(5));
  const auto slash = value.find('/');
  if (slash == std::string_view::npos) return out;
  out.total = parse_number(trim(value.substr(slash + 1)));
  const auto range = value.substr(0, slash);
  const auto dash = range.find('-');
  if (dash != std::string_view::npos) out.start = parse_number(trim(range.substr(0, dash)));
  return out;
}

error http_status_error(long code, const std::string& status_line, const std::string& url) {
  std::string message = redact_url(url) + ": HTTP " + std::to_string(code);
  // "HTTP/1.1 404 Not Found" -> append the reason phrase.
  const auto first_space = status_line.find(' ');
  const auto second_space = first_space == std::string::npos ? std::string::npos
                                                              : status_line.find(' ', first_space + 1);
  if (second_space != std::string::npos) message += " " + status_line.substr(second_space + 1);
  if (code == 404 || code == 410) return error::not_found(std::move(message));
  if (code == 401 || code == 403) return error::permission_denied(std::move(message));
  if (code == 408 || code == 429 || code >= 500) return error::unavailable(std::move(message));
  return error::invalid_argument(std::move(message));
}

std::optional<std::uint64_t> content_length(CURL* curl) {
  curl_off_t length = -1;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  if (length < 0) return std::nullopt;
  return static_cast<std::uint64_t>(length);
}

// Truncates the .part and forgets what was hashed: the server is sending the whole file.
status restart_from_zero(transfer& t) {
  if (::ftruncate(t.fd, 0) != 0 || ::lseek(t.fd, 0, SEEK_SET) != 0) {
    return platform::posix_error("truncate '" + t.part_path.string() + "'", errno);
  }
  t.hashes->reset();
  t.offset = 0;
  t.done = 0;
  return ok_status();
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
  if (auto st = platform::write_all(t.fd, {data, n}, t.part_path); !st) {
    t.failure = st.error();
    return 0;
  }
  t.hashes->update(data, n);
  t.done += n;
  t.session_bytes += n;
  return n;
}

int on_xferinfo(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& t = *static_cast<transfer*>(user);
  if (t.cancel->load()) {
    t.cancelled = true;
    return 1;
  }
  if (t.body_started && !t.discard_body) report_progress(t, false);
  // Our own stall detection: libcurl's low-speed check averages over several seconds, so a
  // connection that goes silent after a fast start would only be noticed much later.
  if (!t.failure && clock::now() - t.last_activity > t.stall_timeout) {
    t.failure = error::timeout(redact_url(t.url) + ": stalled (no data for " +
                               std::to_string(t.stall_timeout.count()) + " s) after " +
                               std::to_string(t.done) + " bytes; call again to resume");
    t.interrupted = true;
  }
  return t.failure ? 1 : 0;
}

// Transient network trouble: the .part stays for a later resume.
bool is_interruption(CURLcode rc) {
  switch (rc) {
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

error curl_failure(CURLcode rc, const transfer& t, const char* detail) {
  const std::string where = redact_url(t.url);
  const std::string what = scrub(*detail != '\0' ? detail : curl_easy_strerror(rc), t.url);
  switch (rc) {
    case CURLE_TOO_MANY_REDIRECTS:
      return error::invalid_argument(where + ": more than " + std::to_string(max_redirects) +
                                     " redirects (a redirect loop?)");
    case CURLE_UNSUPPORTED_PROTOCOL:
      return error::invalid_argument(where + ": refused: only http and https are allowed (" +
                                     what + ")");
    case CURLE_URL_MALFORMAT: return error::invalid_argument(where + ": malformed URL");
    case CURLE_OPERATION_TIMEDOUT:
      return error::timeout(where + ": timed out after " + std::to_string(t.done) + " bytes (" +
                            what + "); call again to resume");
    default: break;
  }
  if (is_interruption(rc)) {
    return error::unavailable(where + ": transfer interrupted after " + std::to_string(t.done) +
                              " bytes (" + what + "); call again to resume");
  }
  return error::unavailable(where + ": " + what);
}

// ---- the download --------------------------------------------------------------------------

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

// Hashes what a previous call left in the .part; leaves the offset at its end.
result<std::uint64_t> hash_existing(int fd, const fs::path& part, digests& hashes,
                                    const std::atomic<bool>& cancel) {
  std::vector<char> buffer(hash_block);
  std::uint64_t size = 0;
  if (::lseek(fd, 0, SEEK_SET) != 0) return platform::posix_error("seek '" + part.string() + "'", errno);
  for (;;) {
    if (cancel.load()) return error{errc::cancelled, "download cancelled"};
    auto got = platform::read_some(fd, buffer.data(), buffer.size(), part);
    if (!got) return got.error();
    if (*got == 0) return size;
    hashes.update(buffer.data(), *got);
    size += *got;
  }
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

enum class attempt_outcome { complete, restart };

// One HTTP request (following redirects). `t.offset` bytes are already in the .part.
result<attempt_outcome> run_request(transfer& t, const download_request& r) {
  std::unique_ptr<CURL, curl_deleter> curl(curl_easy_init());
  if (!curl) return error::internal("libcurl: cannot create a handle");
  t.curl = curl.get();
  t.last_activity = clock::now();
  char errbuf[CURL_ERROR_SIZE] = {};
  const std::string range = std::to_string(t.offset) + "-";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  set_protocols(c);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, max_redirects);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(r.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "kaso-mashin");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 128L * 1024);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_xferinfo);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  if (t.offset > 0) curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());

  const CURLcode rc = curl_easy_perform(c);
  if (t.cancelled) return error{errc::cancelled, "download of " + redact_url(r.url) + " cancelled"};
  if (t.failure) return *t.failure;
  if (rc != CURLE_OK) {
    t.interrupted = is_interruption(rc);
    return curl_failure(rc, t, errbuf);
  }

  const long code = response_code(c);
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

status verify(digests& hashes, const download_request& r, std::string& sha256_hex) {
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

result<download_result> download_locked(int fd, const paths& p, const download_request& r,
                                        const progress_callback& on_progress,
                                        const std::atomic<bool>& cancel, bool& keep_part) {
  digests hashes;
  if (r.expected_sha512) hashes.sha512.emplace(EVP_sha512());
  auto existing = hash_existing(fd, p.part, hashes, cancel);
  if (!existing) return existing.error();

  transfer t;
  t.url = r.url;
  t.fd = fd;
  t.part_path = p.part;
  t.hashes = &hashes;
  t.on_progress = &on_progress;
  t.cancel = &cancel;
  t.offset = *existing;
  t.done = *existing;
  t.stall_timeout = r.stall_timeout;

  for (int attempt = 0;; ++attempt) {
    auto outcome = run_request(t, r);
    if (!outcome) {
      keep_part = t.interrupted && t.done > 0;
      return outcome.error();
    }
    if (*outcome == attempt_outcome::complete) break;
    if (attempt > 0) return error::unavailable(redact_url(r.url) + ": the server refuses ranges");
    if (auto st = restart_from_zero(t); !st) return st.error();
    t.body_started = false;
    t.discard_body = false;
  }
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
