// Who kaso-server works for. Run by a user, it is that user; run as root through sudo, it is the
// user who invoked sudo (SUDO_UID/SUDO_GID), as in the original. As root the server switches its
// effective uid/gid to the owning user at start (before any thread exists), so every file it
// creates belongs to that user and is created with that user's rights; the real and saved uid
// stay root for the few operations that need it later (bridged networking). Main thread only.
#pragma once

#include <string>
#include <sys/types.h>

#include "util/error.hpp"

namespace kaso::server {

struct user {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

user effective_user();
// The owning user as described above.
user owning_user();

// When running as root for another owning user: setegid/seteuid (and the supplementary groups)
// to the owning user. A no-op otherwise.
status act_as(const user& owner);

}  // namespace kaso::server
