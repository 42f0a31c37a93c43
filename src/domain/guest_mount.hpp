// Host directories shared with a guest (issue #17: `--mount HOSTDIR[:GUESTDIR][:ro]`), as qemu's
// 9p (virtio) shares that cloud-init mounts in the guest. GUESTDIR defaults to HOSTDIR, as with
// Multipass and Lima; `:ro` makes qemu refuse writes (host-enforced, not only the guest's mount).
//
// Paths become qemu option values and fstab fields, so they are restricted to a plain alphabet.
// Pure functions and value types: any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace kaso::domain {

struct guest_mount {
  std::string host_path;
  std::string guest_path;
  bool readonly = false;
  // Whose rights the host directory was checked with: the uid of the request that added it (its
  // event's cause); -1: unknown. Each start checks it again with the same rights.
  std::int64_t uid = -1;
  friend bool operator==(const guest_mount&, const guest_mount&) = default;
};

// The most mounts one instance takes.
inline constexpr std::size_t max_guest_mounts = 8;

// `HOSTDIR[:GUESTDIR][:ro|:rw]`, both absolute; invalid_argument saying what is wrong. The host
// directory is not looked at here (the API checks it with the caller's rights).
result<guest_mount> parse_guest_mount(std::string_view text);

// "HOSTDIR:GUESTDIR" or "HOSTDIR:GUESTDIR:ro", which parse_guest_mount reads back.
std::string to_string(const guest_mount& m);

// The 9p mount tag of the instance's `index`-th mount: "kaso0", "kaso1", ...
std::string mount_tag(std::size_t index);

// What the guest mounts at each boot (qemu's fw_cfg file `opt/kaso/mounts`, read by the boot
// command of bootstrap/cloud_init.hpp): one line "TAG ro|rw GUESTDIR" per mount, in order.
std::string mount_table(const std::vector<guest_mount>& mounts);

}  // namespace kaso::domain
