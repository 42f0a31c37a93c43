#include "vm/provision.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "bootstrap/cloud_init.hpp"
#include "bootstrap/ignition.hpp"
#include "bootstrap/seed_image.hpp"
#include "platform/file_io.hpp"
#include "platform/posix_error.hpp"
#include "platform/process.hpp"
#include "qemu/command_line.hpp"
#include "qemu/shell_script.hpp"
#include "vm/machine.hpp"

namespace kaso::vm {
namespace {

constexpr auto qemu_img_timeout = std::chrono::seconds(60);

status write_file(const std::string& path, std::string_view content, mode_t mode) {
  auto fd = platform::open_file(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (!fd.ok()) return fd.error();
  if (auto s = platform::write_all(fd->get(), content, path); !s.ok()) return s;
  return platform::sync_file(fd->get(), path);
}

// qemu-img create -f qcow2 -F FORMAT -b BACKING OVERLAY SIZE: metadata only, milliseconds for
// any image size. The backing path is absolute, so the overlay works from anywhere.
status create_overlay(const provision_request& r, const std::string& overlay) {
  std::vector<std::string> argv{r.platform.qemu_img, "create", "-q", "-f", "qcow2", "-F", r.image.format,
                                "-b", r.image.path, overlay, std::to_string(r.instance.disk_size)};
  auto out = platform::run_process(argv, qemu_img_timeout);
  if (!out.ok()) return error::unavailable("qemu-img: " + out.error().message());
  if (!out->succeeded()) return error::io_error("qemu-img create failed: " + out->stderr_text);
  return ok_status();
}

// The writers of the bootstrappers (domain/bootstrapper.hpp), by where the guest reads its seed.
status write_bootstrap(const provision_request& r) {
  const auto& i = r.instance;
  const auto seed = domain::traits(i.bootstrapper).seed;
  if (seed == domain::seed_kind::none) return ok_status();
  auto f = domain::files_of(i.path);
  auto config = guest_config_for(i, r.network, r.identities, guest_service_url(r.network, r.platform));
  if (!config.ok()) return config.error();
  if (!r.user_data.empty()) {
    if (auto s = write_file(f.user_data, r.user_data, 0600); !s.ok()) return s;
    config->user_user_data = r.user_data;
  }
  if (seed == domain::seed_kind::fw_cfg) return write_file(f.ignition, bootstrap::ignition_config(*config), 0600);
  auto files = bootstrap::nocloud_files(*config);
  if (::mkdir(f.seed_dir.c_str(), 0700) != 0) return platform::posix_error(f.seed_dir, errno);
  for (const auto& file : files) {
    if (auto s = write_file(f.seed_dir + "/" + file.name, file.content, 0600); !s.ok()) return s;
  }
  if (seed == domain::seed_kind::disk) return bootstrap::write_seed_iso(f.seed_iso, files);
  return ok_status();
}

status steps(const provision_request& r) {
  auto f = domain::files_of(r.instance.path);
  if (auto s = create_overlay(r, f.os_disk); !s.ok()) return s;
  if (auto s = write_bootstrap(r); !s.ok()) return s;
  return write_vm_script(r.instance, r.network, r.platform);
}

}  // namespace

status write_vm_script(const domain::instance& i, const domain::network& n, const vm_platform& p) {
  auto spec = machine_spec_for(i, n, p);
  if (!spec.ok()) return spec.error();
  auto argv = qemu::build_argv(*spec);
  if (!argv.ok()) return argv.error();
  auto path = domain::files_of(i.path).vm_script;
  auto tmp = path + ".tmp";
  std::error_code ignored;
  std::filesystem::remove(tmp, ignored);
  if (auto s = write_file(tmp, qemu::to_shell_script(*argv), 0755); !s.ok()) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return platform::posix_error(path, errno);
  return ok_status();
}

status provision(const provision_request& r) {
  const auto& dir = r.instance.path;
  if (::mkdir(dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) return error::already_exists("instance directory " + dir + " already exists");
    return platform::posix_error(dir, errno);
  }
  auto s = steps(r);
  if (!s.ok()) (void)remove_instance_files(dir);
  return s;
}

status check_shared_directories(const domain::instance& i) {
  for (const auto& m : i.mounts) {
    auto fix = " (kaso instance modify " + i.name + " --remove-mount " + m.guest_path + " stops sharing it)";
    auto real = platform::check_directory_for(m.uid < 0 ? 0 : m.uid, m.host_path, !m.readonly);
    if (!real.ok()) {
      return kaso::error(real.error().code(), "cannot share " + m.host_path + " with instance '" + i.name +
                                                  "': " + real.error().message() + fix);
    }
    if (real->string() != m.host_path) {
      return error::conflict("cannot share " + m.host_path + " with instance '" + i.name + "': it now leads to " +
                             real->string() + fix);
    }
  }
  return ok_status();
}

status remove_instance_files(const std::string& dir) {
  // libstdc++'s remove_all fails when a file it listed is gone before it unlinks it (a socket
  // its owner removed meanwhile): one more pass then finds a settled directory.
  std::error_code ec;
  for (int pass = 0; pass < 3; ++pass) {
    std::filesystem::remove_all(dir, ec);
    if (!ec) return ok_status();
  }
  return error::io_error("cannot remove " + dir + ": " + ec.message());
}

}  // namespace kaso::vm
