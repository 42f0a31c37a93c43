#include "guest/ssh_banner.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "platform/unique_fd.hpp"

namespace kaso::guest {

bool ssh_banner_answers(std::uint16_t port, std::chrono::milliseconds wait) {
  if (port == 0) return false;
  platform::unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
  auto deadline = std::chrono::steady_clock::now() + wait;
  std::string got;
  // "SSH-" is all that is needed; sshd sends its whole line at once.
  while (got.size() < 4) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[64];
    auto n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) return false;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got.rfind("SSH-", 0) == 0;
}

}  // namespace kaso::guest
