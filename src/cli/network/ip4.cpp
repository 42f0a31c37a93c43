// IPv4 syntax through inet_pton.
#include "cli/network/ip4.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace kaso::cli::network {

bool is_ip4(const std::string& text) {
  in_addr address{};
  // inet_pton takes exactly four decimal parts, unlike inet_aton ("10.1" or "0x7f.1").
  return ::inet_pton(AF_INET, text.c_str(), &address) == 1;
}

bool is_ip4_network(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos || !is_ip4(text.substr(0, slash))) return false;
  const char* first = text.data() + slash + 1;
  const char* last = text.data() + text.size();
  unsigned prefix = 0;
  auto [stop, ec] = std::from_chars(first, last, prefix);
  return first != last && ec == std::errc() && stop == last && prefix <= 32;
}

}  // namespace kaso::cli::network
