// Blocking file helpers over POSIX descriptors, errors already translated (posix_error). They
// block on the disk: call them from a thread that may block (an actor's worker, never a
// cooperative scheduler thread). Independent calls may run on any threads.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "platform/unique_fd.hpp"
#include "util/error.hpp"

namespace kaso::platform {

// open(2) with O_CLOEXEC added.
result<unique_fd> open_file(const std::filesystem::path& path, int flags, mode_t mode = 0644);
// Writes everything (retrying short writes and EINTR). A full disk is an io_error saying so.
status write_all(int fd, std::string_view data, const std::filesystem::path& path);
// Reads up to size bytes; 0 means end of file.
result<std::size_t> read_some(int fd, char* buffer, std::size_t size,
                              const std::filesystem::path& path);
// fsync(2) of the file's data and metadata.
status sync_file(int fd, const std::filesystem::path& path);
// fsync(2) of a directory, so that a rename or create in it survives a crash.
status sync_directory(const std::filesystem::path& dir);

// Opens the regular file at `path` for reading on behalf of the user `uid` (issue #15: a file
// import trusted a stat of the path). The path is made canonical, then walked one component at
// a time from "/" with O_NOFOLLOW, each directory held open: on each the user needs search (x)
// permission by its mode bits, the file needs read permission, and a component swapped for a
// symbolic link meanwhile is refused, so the descriptor returned is the file that was checked.
// Every component is opened O_PATH (nothing is read, no device opened, before the checks) and the
// checked file is then opened through /proc/self/fd. It must be a regular file. uid 0 may
// read anything regular; uid < 0 (unknown) nothing. Errors: invalid_argument (relative path),
// not_found, permission_denied (the user may not read it), conflict (not a regular file, or a
// link appeared while walking).
result<unique_fd> open_regular_file_for(std::int64_t uid, const std::filesystem::path& path);

// Whether `uid` may share the directory at `path` with a guest (issue #17, --mount): searched
// the same way as open_regular_file_for; the user must own it or may read and search it, and for
// a writable share also write to it. Returns the path that was checked, symbolic links resolved:
// what is shared must be that one, not a path whose links could be changed afterwards. Errors as
// open_regular_file_for; conflict when it is not a directory.
result<std::filesystem::path> check_directory_for(std::int64_t uid, const std::filesystem::path& path, bool writable);

}  // namespace kaso::platform
