#include "server/owning_user.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace kaso::server {
namespace {

std::string name_of(uid_t uid) {
  if (const passwd* pw = getpwuid(uid); pw != nullptr) return pw->pw_name;
  return std::to_string(uid);
}

bool parse_id(const char* text, unsigned long& out) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoul(text, &end, 10);
  return errno == 0 && *end == '\0';
}

}  // namespace

user effective_user() { return {geteuid(), getegid(), name_of(geteuid())}; }

user owning_user() {
  unsigned long uid = 0, gid = 0;
  if (getuid() == 0 && parse_id(std::getenv("SUDO_UID"), uid) && parse_id(std::getenv("SUDO_GID"), gid)) {
    return {static_cast<uid_t>(uid), static_cast<gid_t>(gid), name_of(static_cast<uid_t>(uid))};
  }
  return effective_user();
}

status act_as(const user& owner) {
  if (geteuid() != 0 || owner.uid == 0) return ok_status();
  if (initgroups(owner.name.c_str(), owner.gid) != 0 || setegid(owner.gid) != 0 ||
      seteuid(owner.uid) != 0) {
    return error::permission_denied(std::string("cannot act as user ") + owner.name + ": " +
                                    std::strerror(errno));
  }
  return ok_status();
}

}  // namespace kaso::server
