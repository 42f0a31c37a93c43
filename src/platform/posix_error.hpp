// posix_error: the one place where an errno becomes a kaso::error. Pure: any thread.
#pragma once

#include <string>

#include "util/error.hpp"

namespace kaso::platform {

// "<context>: <strerror>" with the code that fits: not_found (ENOENT, ENOTDIR),
// permission_denied (EACCES, EPERM, EROFS), already_exists (EEXIST), io_error for the rest,
// including a full disk or quota (ENOSPC, EDQUOT), whose message says so.
error posix_error(const std::string& context, int err);

}  // namespace kaso::platform
