#include "domain/guest_mount.hpp"

#include <algorithm>
#include <vector>

namespace kaso::domain {
namespace {

constexpr std::size_t max_path = 1024;

// Absolute, normal (no "." or ".." parts, no "//"), of [A-Za-z0-9_.+@/-]: safe in a qemu option
// and an fstab field.
status check_path(std::string_view p, const char* what) {
  auto bad = [&](const std::string& why) {
    return error::invalid_argument(std::string(what) + " '" + std::string(p.substr(0, 80)) + "' " + why);
  };
  if (p.empty() || p.front() != '/') return bad("must be an absolute path");
  if (p.size() > max_path) return bad("is too long");
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-' || c == '+' || c == '@' || c == '/';
  };
  if (!std::all_of(p.begin(), p.end(), ok)) return bad("may hold only letters, digits and _ . - + @ /");
  std::size_t at = 1;
  while (at <= p.size()) {
    auto slash = p.find('/', at);
    auto part = p.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at);
    if (part == "." || part == ".." || (part.empty() && slash != std::string_view::npos)) return bad("is not a plain path");
    if (slash == std::string_view::npos) break;
    at = slash + 1;
  }
  return ok_status();
}

}  // namespace

result<guest_mount> parse_guest_mount(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t at = 0;
  while (true) {
    auto colon = text.find(':', at);
    parts.push_back(text.substr(at, colon == std::string_view::npos ? std::string_view::npos : colon - at));
    if (colon == std::string_view::npos) break;
    at = colon + 1;
  }
  guest_mount m;
  if (parts.size() > 1 && (parts.back() == "ro" || parts.back() == "rw")) {
    m.readonly = parts.back() == "ro";
    parts.pop_back();
  }
  if (parts.empty() || parts.size() > 2) {
    return error::invalid_argument("'" + std::string(text.substr(0, 80)) + "' is no mount (use HOSTDIR[:GUESTDIR][:ro])");
  }
  m.host_path = std::string(parts[0]);
  m.guest_path = parts.size() == 2 ? std::string(parts[1]) : m.host_path;
  while (m.host_path.size() > 1 && m.host_path.back() == '/') m.host_path.pop_back();
  while (m.guest_path.size() > 1 && m.guest_path.back() == '/') m.guest_path.pop_back();
  if (auto s = check_path(m.host_path, "the host directory"); !s.ok()) return s.error();
  if (auto s = check_path(m.guest_path, "the guest directory"); !s.ok()) return s.error();
  if (m.guest_path == "/") return error::invalid_argument("the guest directory may not be /");
  return m;
}

std::string to_string(const guest_mount& m) {
  return m.host_path + ":" + m.guest_path + (m.readonly ? ":ro" : "");
}

std::string mount_tag(std::size_t index) { return "kaso" + std::to_string(index); }

std::string mount_table(const std::vector<guest_mount>& mounts) {
  std::string out;
  for (std::size_t k = 0; k < mounts.size(); ++k) {
    out += mount_tag(k) + (mounts[k].readonly ? " ro " : " rw ") + mounts[k].guest_path + "\n";
  }
  return out;
}

}  // namespace kaso::domain
