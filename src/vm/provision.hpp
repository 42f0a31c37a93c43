// provision: everything an instance has on disk before it first starts, made all or nothing.
//
// Blocking (runs qemu-img, writes files): call it from a worker that may block, never from an
// actor on the cooperative scheduler. Any thread; calls for different instances may overlap.
//
// The directory holds (domain::files_of): os.qcow2, a copy-on-write overlay on the image (absolute
// backing path and its format, resized to the instance's disk size); the bootstrap data (ci-disk:
// cloud-init/ and seed.iso labelled cidata; ci: cloud-init/, served by kaso; ignition:
// config.ign); and vm.sh, the exact qemu command line for hacking.
#pragma once

#include <string>
#include <vector>

#include "domain/identity.hpp"
#include "domain/instance.hpp"
#include "domain/network.hpp"
#include "util/error.hpp"
#include "vm/vm_platform.hpp"

namespace kaso::vm {

struct provision_request {
  domain::instance instance;  // as instance.created will record it
  domain::network network;
  domain::image_facts image;
  std::vector<domain::identity> identities;
  vm_platform platform;
  std::string user_data;  // the user's own cloud-init (checked); kept as user-data.custom, merged into the seed
};

// Creates instance.path (which must not exist) and its files. On any failure the directory is
// removed again and the error says which step failed. Errors: already_exists (the directory is
// there), io_error, unavailable (qemu-img could not run), invalid_argument (argv refused).
status provision(const provision_request& r);

// Writes vm.sh again (after a modify changed the command line).
status write_vm_script(const domain::instance& i, const domain::network& n, const vm_platform& p);

// Checks each shared directory of `i` again before qemu starts (issue #17): with the rights of the
// user who shared it (guest_mount::uid; an unknown one as root: it must still be a directory), and
// it must still be the directory recorded (no link now leads elsewhere). Blocking (a few stat-like
// calls per mount). Errors say which directory and what to do.
status check_shared_directories(const domain::instance& i);

// Removes an instance directory and everything in it; a missing directory is fine.
status remove_instance_files(const std::string& dir);

}  // namespace kaso::vm
