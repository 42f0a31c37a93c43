// POSIX implementation of the file helpers.
#include "platform/file_io.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

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

namespace {

// The groups of user `uid`, from the user database.
std::vector<gid_t> groups_of(uid_t uid) {
  const passwd* pw = ::getpwuid(uid);
  if (pw == nullptr) return {};
  int n = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(n));
  if (::getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<std::size_t>(n));
    ::getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &n);
  }
  groups.resize(static_cast<std::size_t>(std::max(n, 0)));
  return groups;
}

// Whether the mode bits of `st` grant `user_bit` (S_IRUSR or S_IXUSR) to user `uid` (with its
// groups), as owner, group member or other: the class that applies decides, as in the kernel.
bool mode_grants(const struct stat& st, uid_t uid, const std::vector<gid_t>& groups, mode_t user_bit) {
  const mode_t group_bit = user_bit >> 3, other_bit = user_bit >> 6;
  if (st.st_uid == uid) return (st.st_mode & user_bit) != 0;
  for (gid_t g : groups) {
    if (g == st.st_gid) return (st.st_mode & group_bit) != 0;
  }
  return (st.st_mode & other_bit) != 0;
}

result<unique_fd> open_at(int dir, const std::string& name, int flags, const std::string& shown) {
  for (;;) {
    const int fd = ::openat(dir, name.c_str(), flags | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) return unique_fd{fd};
    if (errno == EINTR) continue;
    if (errno == ELOOP) return error::conflict(shown + " is a symbolic link (it changed while being opened)");
    return posix_error("open '" + shown + "'", errno);
  }
}

}  // namespace

namespace {

// The caller's view of `path`: every directory on the way searched with `uid`'s rights (root:
// all), symbolic links resolved first (canonical), each step opened O_PATH relative to the last
// without following links, so what is checked is what is opened. The last component's O_PATH
// descriptor and its stat.
struct walked_path {
  std::filesystem::path real;  // `path`, links resolved: what was walked
  unique_fd fd;
  struct stat st {};
  bool root = false;
  uid_t user = 0;
  std::vector<gid_t> groups;
};

result<walked_path> walk_as(std::int64_t uid, const std::filesystem::path& path, const char* what) {
  if (!path.is_absolute()) return error::invalid_argument(std::string("the ") + what + " must be an absolute path: " + path.string());
  if (uid < 0) return error::permission_denied("who asks for " + path.string() + " is not known");
  std::error_code ec;
  auto real = std::filesystem::canonical(path, ec);
  if (ec) return posix_error("open '" + path.string() + "'", ec.value());
  walked_path w;
  w.real = real;
  w.root = uid == 0;
  w.user = static_cast<uid_t>(uid);
  if (!w.root) w.groups = groups_of(w.user);
  // O_PATH throughout: nothing is opened for reading before it is checked (a device is never
  // opened), and the server needs no read right on the user's directories, only search.
  auto dir = open_file("/", O_PATH | O_DIRECTORY | O_NOFOLLOW);
  if (!dir.ok()) return dir.error();
  std::filesystem::path walked = "/";
  std::vector<std::string> parts;
  for (const auto& part : real.relative_path()) parts.push_back(part.string());
  for (std::size_t k = 0; k < parts.size(); ++k) {
    struct stat st {};
    if (::fstat(dir->get(), &st) != 0) return posix_error("stat '" + walked.string() + "'", errno);
    if (!w.root && !mode_grants(st, w.user, w.groups, S_IXUSR)) {
      return error::permission_denied("you may not search " + walked.string());
    }
    walked /= parts[k];
    const bool last = k + 1 == parts.size();
    auto next = open_at(dir->get(), parts[k], last ? O_PATH : (O_PATH | O_DIRECTORY), walked.string());
    if (!next.ok()) return next.error();
    dir = std::move(next);
  }
  if (::fstat(dir->get(), &w.st) != 0) return posix_error("stat '" + walked.string() + "'", errno);
  w.fd = std::move(*dir);
  return w;
}

}  // namespace

result<unique_fd> open_regular_file_for(std::int64_t uid, const std::filesystem::path& path) {
  auto w = walk_as(uid, path, "file");
  if (!w.ok()) return w.error();
  if (!S_ISREG(w->st.st_mode)) return error::conflict(path.string() + " is not a regular file");
  if (!w->root && !mode_grants(w->st, w->user, w->groups, S_IRUSR)) {
    return error::permission_denied("you may not read " + path.string());
  }
  // The checked inode itself, opened for reading through its O_PATH descriptor.
  return open_file("/proc/self/fd/" + std::to_string(w->fd.get()), O_RDONLY);
}

result<std::filesystem::path> check_directory_for(std::int64_t uid, const std::filesystem::path& path, bool writable) {
  auto w = walk_as(uid, path, "directory");
  if (!w.ok()) return w.error();
  if (!S_ISDIR(w->st.st_mode)) return error::conflict(path.string() + " is not a directory");
  if (w->root) return w->real;
  const bool owner = w->st.st_uid == w->user;
  if (!owner && !(mode_grants(w->st, w->user, w->groups, S_IRUSR) && mode_grants(w->st, w->user, w->groups, S_IXUSR))) {
    return error::permission_denied("you may not read " + path.string());
  }
  if (writable && !mode_grants(w->st, w->user, w->groups, S_IWUSR)) {
    return error::permission_denied("you may not write to " + path.string() + " (share it read-only with :ro)");
  }
  return w->real;
}

}  // namespace kaso::platform
