// write_seed_iso with libisofs: see seed_image.hpp.
//
// libisofs builds the image in its own writer thread and hands it out through a burn_source,
// which we read block by block into the temporary file. Each call has its own IsoImage, options
// and burn_source; the only process-wide state is libisofs' initialisation.
#include "bootstrap/seed_image.hpp"

// libisofs.h uses these types without including their headers, and without libburn it needs its
// own copy of struct burn_source.
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#define LIBISOFS_WITHOUT_LIBBURN 1
#include <libisofs/libisofs.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "platform/file_io.hpp"
#include "platform/posix_error.hpp"
#include "platform/unique_fd.hpp"

namespace kaso::bootstrap {
namespace {

constexpr int iso_block_size = 2048;

struct image_unref {
  void operator()(IsoImage* image) const { iso_image_unref(image); }
};
struct opts_free {
  void operator()(IsoWriteOpts* opts) const { iso_write_opts_free(opts); }
};
// Stops the writer thread if it still runs and joins it, then frees the source.
struct source_free {
  void operator()(burn_source* source) const {
    source->free_data(source);
    ::free(source);
  }
};
using image_ptr = std::unique_ptr<IsoImage, image_unref>;
using opts_ptr = std::unique_ptr<IsoWriteOpts, opts_free>;
using source_ptr = std::unique_ptr<burn_source, source_free>;

error libisofs_error(const std::string& context, int code) {
  return error::io_error(context + ": " + iso_error_to_msg(code));
}

// Once per process, thread-safely (a function-local static); never finalised, since another
// thread may be writing an image at any time. Flag 1: leave the process' locale alone.
status init_libisofs() {
  static const int result = iso_init_with_flag(1);
  if (result < 0) return libisofs_error("libisofs initialisation", result);
  return ok_status();
}

bool is_safe_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

status check_names(const std::vector<seed_file>& files) {
  std::set<std::string> seen;
  for (const seed_file& file : files) {
    if (!is_safe_name(file.name)) {
      return error::invalid_argument("seed file name '" + file.name + "' is not allowed");
    }
    if (!seen.insert(file.name).second) {
      return error::invalid_argument("seed file name '" + file.name + "' is repeated");
    }
  }
  return ok_status();
}

// Adds a regular file holding a copy of `file.content` to the image's root.
status add_file(IsoImage* image, const seed_file& file) {
  // The stream takes the buffer and free()s it; malloc(0) may give NULL, which it refuses.
  auto* buffer = static_cast<unsigned char*>(::malloc(file.content.size() + 1));
  if (buffer == nullptr) return error::io_error("out of memory for seed file " + file.name);
  std::memcpy(buffer, file.content.data(), file.content.size());
  IsoStream* stream = nullptr;
  int rc = iso_memory_stream_new(buffer, file.content.size(), &stream);
  if (rc < 0) {
    ::free(buffer);
    return libisofs_error("seed file " + file.name, rc);
  }
  rc = iso_image_add_new_file(image, iso_image_get_root(image), file.name.c_str(), stream,
                              nullptr);
  if (rc < 0) {
    iso_stream_unref(stream);  // only a new file node takes the stream's reference
    return libisofs_error("seed file " + file.name, rc);
  }
  return ok_status();
}

result<image_ptr> build_image(const std::vector<seed_file>& files) {
  IsoImage* raw = nullptr;
  // The name becomes the volume id: upper-cased to "CIDATA" in the ISO 9660 descriptor, kept as
  // "cidata" in Joliet's, which blkid (and so cloud-init) reports as the label, as it does for
  // `genisoimage -volid cidata`.
  int rc = iso_image_new("cidata", &raw);
  if (rc < 0) return libisofs_error("new ISO image", rc);
  image_ptr image{raw};
  for (const seed_file& file : files) {
    if (auto added = add_file(image.get(), file); !added) return added.error();
  }
  return image;
}

// Level 3, Rock Ridge and Joliet (like `genisoimage -J -R`); every file 0644 and every directory
// 0755, owned by 0:0 whoever writes the image. Joliet names are the exact names (libisofs would
// otherwise turn "user-data" into "user-data.;1" there); plain ISO 9660 names stay standard.
result<opts_ptr> write_options() {
  IsoWriteOpts* raw = nullptr;
  int rc = iso_write_opts_new(&raw, 0);
  if (rc < 0) return libisofs_error("ISO write options", rc);
  opts_ptr opts{raw};
  iso_write_opts_set_iso_level(raw, 3);
  iso_write_opts_set_rockridge(raw, 1);
  iso_write_opts_set_joliet(raw, 1);
  iso_write_opts_set_omit_version_numbers(raw, 2);  // bit 1: Joliet only
  iso_write_opts_set_no_force_dots(raw, 2);         // bit 1: Joliet only
  iso_write_opts_set_replace_mode(raw, 2, 2, 2, 2);
  iso_write_opts_set_default_dir_mode(raw, 0755);
  iso_write_opts_set_default_file_mode(raw, 0644);
  iso_write_opts_set_default_uid(raw, 0);
  iso_write_opts_set_default_gid(raw, 0);
  return opts;
}

// Generates the image and writes all of it to fd.
status write_image(IsoImage* image, IsoWriteOpts* opts, int fd, const std::filesystem::path& path) {
  burn_source* raw = nullptr;
  int rc = iso_image_create_burn_source(image, opts, &raw);
  if (rc < 0) return libisofs_error("ISO image generation", rc);
  source_ptr source{raw};
  const off_t expected = source->get_size(raw);
  off_t written = 0;
  unsigned char block[iso_block_size];
  for (;;) {
    const int n = source->read_xt(raw, block, iso_block_size);
    if (n == 0) break;
    if (n < 0) return error::io_error("libisofs failed while generating the ISO image");
    std::string_view data{reinterpret_cast<const char*>(block), static_cast<std::size_t>(n)};
    if (auto w = platform::write_all(fd, data, path); !w) return w;
    written += n;
  }
  if (written != expected) {
    return error::io_error("libisofs produced " + std::to_string(written) + " bytes of " +
                           std::to_string(expected));
  }
  return ok_status();
}

// A temporary file that is removed unless it was renamed into place.
class temp_file {
 public:
  static result<temp_file> create_beside(const std::filesystem::path& out) {
    const std::filesystem::path dir = out.has_parent_path() ? out.parent_path() : ".";
    std::string name = (dir / ("." + out.filename().string() + ".tmp-XXXXXX")).string();
    const int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) return platform::posix_error("create a temporary file in '" + dir.string() + "'",
                                             errno);
    return temp_file{platform::unique_fd{fd}, name};
  }
  temp_file(temp_file&& other) noexcept
      : fd_(std::move(other.fd_)), path_(std::exchange(other.path_, {})) {}
  temp_file& operator=(temp_file&&) = delete;
  ~temp_file() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  int fd() const { return fd_.get(); }
  const std::filesystem::path& path() const { return path_; }

  // Closes the file and renames it to `out`; on success the destructor leaves it alone.
  status rename_to(const std::filesystem::path& out) {
    fd_.reset();
    if (::rename(path_.c_str(), out.c_str()) != 0) {
      return platform::posix_error("rename '" + path_.string() + "' to '" + out.string() + "'",
                                   errno);
    }
    path_.clear();
    return ok_status();
  }

 private:
  temp_file(platform::unique_fd fd, std::filesystem::path path)
      : fd_(std::move(fd)), path_(std::move(path)) {}

  platform::unique_fd fd_;
  std::filesystem::path path_;
};

}  // namespace

status write_seed_iso(const std::filesystem::path& out, const std::vector<seed_file>& files) {
  if (auto names = check_names(files); !names) return names;
  if (auto init = init_libisofs(); !init) return init;
  auto image = build_image(files);
  if (!image) return image.error();
  auto opts = write_options();
  if (!opts) return opts.error();
  auto temp = temp_file::create_beside(out);
  if (!temp) return temp.error();
  if (auto w = write_image(image->get(), opts->get(), temp->fd(), temp->path()); !w) return w;
  if (auto s = platform::sync_file(temp->fd(), temp->path()); !s) return s;
  if (auto r = temp->rename_to(out); !r) return r;
  if (auto d = platform::sync_directory(out.has_parent_path() ? out.parent_path() : "."); !d) {
    ::unlink(out.c_str());  // not known to be durable: report it as not written at all
    return d;
  }
  return ok_status();
}

}  // namespace kaso::bootstrap
