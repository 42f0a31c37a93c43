// Judging HTTP answers and libcurl results: see http_outcome.hpp.
#include "images/http_outcome.hpp"

#include "images/downloader.hpp"
#include "images/http_text.hpp"

namespace kaso::images {
namespace {

std::optional<std::uint64_t> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

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

error curl_failure(CURLcode rc, const std::string& url, std::uint64_t done, const char* detail) {
  const std::string where = redact_url(url);
  const std::string what = scrub(*detail != '\0' ? detail : curl_easy_strerror(rc), url);
  switch (rc) {
    case CURLE_TOO_MANY_REDIRECTS:
      return error::invalid_argument(where + ": more than " + std::to_string(max_redirects) +
                                     " redirects (a redirect loop?)");
    case CURLE_UNSUPPORTED_PROTOCOL:
      return error::invalid_argument(where + ": refused: only http and https are allowed (" +
                                     what + ")");
    case CURLE_URL_MALFORMAT: return error::invalid_argument(where + ": malformed URL");
    case CURLE_OPERATION_TIMEDOUT:
      return error::timeout(where + ": timed out after " + std::to_string(done) + " bytes (" +
                            what + "); call again to resume");
    default: break;
  }
  if (is_interruption(rc)) {
    return error::unavailable(where + ": transfer interrupted after " + std::to_string(done) +
                              " bytes (" + what + "); call again to resume");
  }
  return error::unavailable(where + ": " + what);
}

}  // namespace kaso::images
