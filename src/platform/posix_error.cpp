// errno to kaso::error. strerror_r (GNU flavour under glibc, XSI elsewhere) keeps it thread-safe.
#include "platform/posix_error.hpp"

#include <cerrno>
#include <cstring>

namespace kaso::platform {
namespace {

// Overloads pick whichever strerror_r this C library has.
[[maybe_unused]] std::string describe(int /*err*/, const char* gnu_result, const char*) {
  return gnu_result;
}
[[maybe_unused]] std::string describe(int err, int xsi_result, const char* buffer) {
  return xsi_result == 0 ? std::string(buffer) : "errno " + std::to_string(err);
}

std::string describe(int err) {
  char buffer[256] = {};
  return describe(err, ::strerror_r(err, buffer, sizeof buffer), buffer);
}

}  // namespace

error posix_error(const std::string& context, int err) {
  std::string message = context + ": " + describe(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR: return error::not_found(std::move(message));
    case EACCES:
    case EPERM:
    case EROFS: return error::permission_denied(std::move(message));
    case EEXIST: return error::already_exists(std::move(message));
    default: return error::io_error(std::move(message));
  }
}

}  // namespace kaso::platform
