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
  return std::vector{detail::make_instance_event(i.id, i.version + 1, "instance.mount_added", detail::mount_payload(c.mount))};
}

result<std::vector<events::event>> decide(const machines& s, const remove_mount& c) {
  auto found = detail::existing(s, c.ref);
  if (!found.ok()) return found.error();
  const instance& i = **found;
  for (const auto& m : i.mounts) {
    if (m.guest_path == c.guest_path) {
      return std::vector{detail::make_instance_event(i.id, i.version + 1, "instance.mount_removed",
                                                     {{"guest_path", m.guest_path}})};
    }
  }
  std::string known;
  for (const auto& m : i.mounts) known += (known.empty() ? "" : ", ") + m.guest_path;
  return error::not_found("instance '" + i.name + "' mounts nothing on '" + c.guest_path.substr(0, 80) + "'" +
                          (known.empty() ? " (it has no mounts)" : " (its mounts: " + known + ")"));
}

namespace detail {

nlohmann::json mount_payload(const guest_mount& m) {
  return {{"host_path", m.host_path}, {"guest_path", m.guest_path}, {"readonly", m.readonly}};
}

guest_mount mount_from_payload(const nlohmann::json& p) {
  guest_mount g;
  take(p, "host_path", g.host_path);
  take(p, "guest_path", g.guest_path);
  take(p, "readonly", g.readonly);
  return g;
}

void apply_mount(instance& i, const events::event& e) {
  if (!e.payload.is_object()) return;
  if (e.type == "instance.mount_added") {
    auto m = mount_from_payload(e.payload);
    m.uid = e.caused_by.uid;
    if (m.host_path.empty() || m.guest_path.empty()) return;
    std::erase_if(i.mounts, [&](const guest_mount& g) { return g.guest_path == m.guest_path; });
    i.mounts.push_back(std::move(m));
  } else if (e.type == "instance.mount_removed") {
    std::string guest_path;
    take(e.payload, "guest_path", guest_path);
    std::erase_if(i.mounts, [&](const guest_mount& g) { return g.guest_path == guest_path; });
  }
}

}  // namespace detail
}  // namespace kaso::domain
