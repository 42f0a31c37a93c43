// Shared directories of instances (guest_mount.hpp): their deciders and their fold; see
// instance.hpp.
#include "domain/instance.hpp"
#include "domain/instance_events.hpp"

namespace kaso::domain {

result<bootstrapper> parse_bootstrapper(std::string_view name) {
  for (const auto& t : bootstrapper_table) {
    if (t.name == name) return t.kind;
  }
  return error::invalid_argument("bootstrapper must be ci, ci-disk, ignition or none");
}

status check_mounts(bootstrapper b, const std::vector<guest_mount>& mounts) {
  if (mounts.size() > max_guest_mounts) {
    return error::invalid_argument("an instance takes at most " + std::to_string(max_guest_mounts) + " mounts");
  }
  if (!mounts.empty() && !traits(b).cloud_init) {
    return error::invalid_argument("--mount needs the ci or ci-disk bootstrapper: cloud-init mounts the directories");
  }
  for (std::size_t k = 0; k < mounts.size(); ++k) {
    for (std::size_t l = 0; l < k; ++l) {
      if (mounts[l].guest_path == mounts[k].guest_path) {
        return error::invalid_argument("two mounts on " + mounts[k].guest_path + " in the guest");
      }
    }
  }
  return ok_status();
}

result<std::vector<events::event>> decide(const machines& s, const add_mount& c) {
  auto found = detail::existing(s, c.ref);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  for (const auto& m : i.mounts) {
    if (m.guest_path == c.mount.guest_path) {
      return error::conflict("instance '" + i.name + "' already mounts " + m.host_path + " on " + m.guest_path +
                             ": remove that mount first");
    }
  }
  if (i.mounts.size() >= max_guest_mounts) {
    return error::invalid_argument("instance '" + i.name + "' has " + std::to_string(max_guest_mounts) +
                                   " mounts, the most it takes");
  }
  if (auto v = check_mounts(i.bootstrapper, {c.mount}); !v.ok()) return v.error();
  const auto& m = c.mount;
  return std::vector{make_event(instance_mount_added{m.host_path, m.guest_path, m.readonly}, i.id, i.version + 1)};
}

result<std::vector<events::event>> decide(const machines& s, const remove_mount& c) {
  auto found = detail::existing(s, c.ref);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  for (const auto& m : i.mounts) {
    if (m.guest_path == c.guest_path) {
      return std::vector{make_event(instance_mount_removed{m.guest_path}, i.id, i.version + 1)};
    }
  }
  std::string known;
  for (const auto& m : i.mounts) known += (known.empty() ? "" : ", ") + m.guest_path;
  return error::not_found("instance '" + i.name + "' mounts nothing on '" + c.guest_path.substr(0, 80) + "'" +
                          (known.empty() ? " (it has no mounts)" : " (its mounts: " + known + ")"));
}

namespace detail {

// The cause's uid is whose rights the host directory was checked with. A mount without both paths
// is none (the decider never writes one).
void apply(instance& i, const instance_mount_added& ev, const events::event& e) {
  if (ev.host_path.empty() || ev.guest_path.empty()) return;
  std::erase_if(i.mounts, [&](const guest_mount& g) { return g.guest_path == ev.guest_path; });
  i.mounts.push_back({ev.host_path, ev.guest_path, ev.readonly, e.caused_by.uid});
}

void apply(instance& i, const instance_mount_removed& ev, const events::event&) {
  std::erase_if(i.mounts, [&](const guest_mount& g) { return g.guest_path == ev.guest_path; });
}

}  // namespace detail
}  // namespace kaso::domain
