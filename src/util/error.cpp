#include "util/error.hpp"

namespace kaso {

std::string_view to_string(errc code) {
  switch (code) {
    case errc::invalid_argument: return "invalid_argument";
    case errc::not_found: return "not_found";
    case errc::already_exists: return "already_exists";
    case errc::conflict: return "conflict";
    case errc::payload_too_large: return "payload_too_large";
    case errc::unauthenticated: return "unauthenticated";
    case errc::permission_denied: return "permission_denied";
    case errc::io_error: return "io_error";
    case errc::corruption: return "corruption";
    case errc::unavailable: return "unavailable";
    case errc::timeout: return "timeout";
    case errc::internal: return "internal";
    case errc::cancelled: return "cancelled";
  }
  return "internal";
}

std::string error::to_string() const {
  std::string s{kaso::to_string(code_)};
  s += ": ";
  s += message_;
  return s;
}

}  // namespace kaso
