// socket() + connect() on AF_UNIX.
#include "cli/instance/unix_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "cli/instance/errno_error.hpp"

namespace kaso::cli::instance {

result<platform::unique_fd> connect_unix(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string& name = path.native();
  if (name.empty() || name.size() >= sizeof address.sun_path) {
    return error::invalid_argument("cannot connect to " + name + ": the path is empty or longer "
                                   "than a Unix socket address holds");
  }
  std::memcpy(address.sun_path, name.c_str(), name.size() + 1);
  platform::unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return errno_error("cannot create a socket", errno);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return errno_error("cannot connect to " + name, errno);
  }
  return fd;
}

}  // namespace kaso::cli::instance
