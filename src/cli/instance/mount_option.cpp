#include "cli/instance/mount_option.hpp"

#include <filesystem>

namespace kaso::cli::instance {

result<std::string> absolute_mount(const std::string& spec) {
  auto colon = spec.find(':');
  auto host = spec.substr(0, colon);
  if (host.empty()) return error::invalid_argument("--mount needs a host directory: HOSTDIR[:GUESTDIR][:ro]");
  std::error_code ec;
  auto absolute = std::filesystem::absolute(host, ec).lexically_normal().string();
  if (ec) return error::invalid_argument("--mount " + host + ": " + ec.message());
  while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
  return absolute + (colon == std::string::npos ? "" : spec.substr(colon));
}

}  // namespace kaso::cli::instance
