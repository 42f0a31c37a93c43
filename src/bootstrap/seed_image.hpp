// write_seed_iso: the NoCloud seed disk, an ISO 9660 image with Rock Ridge and Joliet holding the
// seed files in its root directory. Its volume id is CIDATA, its Joliet volume id cidata, so blkid
// and cloud-init see the label "cidata" (cloud-init accepts either case).
//
// Thread safety: any thread, several at once (libisofs is initialised once, on first use, and
// never finalised). Blocks on the disk: call it from a thread that may block.
#pragma once

#include <filesystem>
#include <vector>

#include "bootstrap/cloud_init.hpp"
#include "util/error.hpp"

namespace kaso::bootstrap {

// Writes the image to a temporary file beside `out` (mode 0600: user-data holds password
// hashes), syncs it, renames it over `out` and syncs the directory. Files in the image: mode
// 0644, owner 0:0, the exact bytes of `content`. On any error no temporary file remains and `out`
// holds no new image: an existing file is left as it was, except when the directory sync failed
// after the rename, when `out` is removed.
// Errors: invalid_argument (a name that is empty, repeated, longer than 64 characters or not made
// of [A-Za-z0-9._-] only), not_found (no such directory), permission_denied, io_error (disk full,
// libisofs failed).
status write_seed_iso(const std::filesystem::path& out, const std::vector<seed_file>& files);

}  // namespace kaso::bootstrap
