// Bootstrappers: how a guest gets its configuration (users, keys, address, shares) at boot. One
// row of `bootstrapper_table` per bootstrapper says everything the rest of kaso asks of it (issue
// #18): a new bootstrapper is a row here plus its writer in vm/provision.cpp.
//
// Pure values; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "util/error.hpp"

namespace kaso::domain {

enum class bootstrapper : std::uint8_t { ci, ci_disk, ignition, none };

// Where the guest finds its configuration.
enum class seed_kind : std::uint8_t {
  none,    // nowhere: the image is configured already
  served,  // kaso's guest listener serves the NoCloud files; the SMBIOS serial says where (a user network)
  disk,    // a read-only cidata disk (seed.iso) with the NoCloud files
  fw_cfg,  // an Ignition config (config.ign) as qemu's fw_cfg file opt/com.coreos/config
};

struct bootstrapper_traits {
  bootstrapper kind;
  std::string_view name;  // in the API and the log
  seed_kind seed;
  // cloud-init reads kaso's documents: users, a static address, shares, the user's own
  // cloud-init, and the guest phones home and reports its address to kaso's guest listener.
  bool cloud_init;
  // Takes the user's own Ignition config (--ignition), merged into kaso's.
  bool ignition;
};

inline constexpr std::array<bootstrapper_traits, 4> bootstrapper_table = {{
    {bootstrapper::ci, "ci", seed_kind::served, true, false},
    {bootstrapper::ci_disk, "ci-disk", seed_kind::disk, true, false},
    {bootstrapper::ignition, "ignition", seed_kind::fw_cfg, false, true},
    {bootstrapper::none, "none", seed_kind::none, false, false},
}};

constexpr const bootstrapper_traits& traits(bootstrapper b) {
  for (const auto& t : bootstrapper_table) {
    if (t.kind == b) return t;
  }
  return bootstrapper_table.back();
}

constexpr std::string_view to_string(bootstrapper b) { return traits(b).name; }

// The bootstrapper a name names; invalid_argument listing the names for any other.
result<bootstrapper> parse_bootstrapper(std::string_view name);

}  // namespace kaso::domain
