// POSIX implementation of the file helpers.
#include "platform/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "platform/posix_error.hpp"

namespace kaso::platform {

result<unique_fd> open_file(const std::filesystem::path& path, int flags, mode_t mode) {
  for (;;) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return unique_fd{fd};
    if (errno != EINTR) return posix_error("open '" + path.string() + "'", errno);
  }
}

status write_all(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return posix_error("write '" + path.string() + "'", errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return ok_status();
}

result<std::size_t> read_some(int fd, char* buffer, std::size_t size,
                              const std::filesystem::path& path) {
  for (;;) {
    const ssize_t n = ::read(fd, buffer, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return posix_error("read '" + path.string() + "'", errno);
  }
}

status sync_file(int fd, const std::filesystem::path& path) {
  if (::fsync(fd) != 0) return posix_error("fsync '" + path.string() + "'", errno);
  return ok_status();
}

status sync_directory(const std::filesystem::path& dir) {
  auto fd = open_file(dir, O_RDONLY | O_DIRECTORY);
  if (!fd) return fd.error();
  return sync_file(fd->get(), dir);
}

}  // namespace kaso::platform
