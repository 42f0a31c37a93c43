#include "images/fetch.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/fs.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "crypto/sha256.hpp"
#include "images/image_info.hpp"
#include "images/published_checksums.hpp"
#include "platform/file_io.hpp"

namespace kaso::images {
namespace {

namespace fs = std::filesystem;

std::string work_name(std::uint64_t task_id, const char* what) {
  return "task-" + std::to_string(task_id) + "." + what;
}

// Reads the published SUMS file of a catalogue entry and returns the expected digest.
result<std::string> published_digest(const fetch_request& r, const std::atomic<bool>& cancel) {
  const auto& sum = r.predefined->checksum;
  if (sum.kind == checksum_kind::sha256) return sum.value;
  download_request req;
  req.url = sum.url;
  req.dest_dir = r.images_dir;
  req.dest_name = work_name(r.task_id, "sums");
  req.decompress = decompression::never;
  std::error_code ec;
  fs::remove(r.images_dir / req.dest_name, ec);
  auto got = download(req, {}, cancel);
  if (!got.ok()) return error(got.error().code(), "checksum file: " + got.error().message());
  std::ifstream in(got->final_path);
  std::stringstream text;
  text << in.rdbuf();
  fs::remove(got->final_path, ec);
  return find_published_checksum(text.str(), sum.file_name, sum.kind);
}

// The file a task brought in, before inspection, and the SHA-256 of what was received.
struct received {
  fs::path path;
  std::string sha256;
};

result<received> download_source(const fetch_request& r, const progress_callback& on_progress,
                                 const std::atomic<bool>& cancel) {
  download_request req;
  req.url = r.predefined ? r.predefined->url : r.url;
  req.dest_dir = r.images_dir;
  req.dest_name = work_name(r.task_id, "download");
  if (!r.expected_sha256.empty()) req.expected_sha256 = r.expected_sha256;
  if (r.predefined) {
    auto digest = published_digest(r, cancel);
    if (!digest.ok()) return digest.error();
    if (r.predefined->checksum.kind == checksum_kind::sha512sums) req.expected_sha512 = digest.value();
    else req.expected_sha256 = digest.value();
  }
  std::error_code ec;
  fs::remove(r.images_dir / req.dest_name, ec);  // a finished but unregistered earlier attempt
  // An interrupted transfer keeps its .part: try again a few times, resuming where it stopped.
  for (int attempt = 1;; ++attempt) {
    auto got = download(req, on_progress, cancel);
    if (got.ok()) return received{got->final_path, got->sha256};
    bool transient = got.error().code() == errc::unavailable || got.error().code() == errc::timeout;
    if (!transient || attempt == 3 || cancel) return got.error();
  }
}

// Copies the open file `in` (named `from`) to `to`: a reflink where the filesystem offers it,
// else a byte copy.
status copy_file(const platform::unique_fd& in, const fs::path& from, const fs::path& to,
                 const std::atomic<bool>& cancel) {
  auto out = platform::open_file(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (!out.ok()) return out.error();
  if (ioctl(out->get(), FICLONE, in.get()) == 0) return platform::sync_file(out->get(), to);
  std::vector<char> buffer(1 << 20);
  for (;;) {
    if (cancel) return error(errc::cancelled, "cancelled");
    auto n = platform::read_some(in.get(), buffer.data(), buffer.size(), from);
    if (!n.ok()) return n.error();
    if (n.value() == 0) break;
    if (auto w = platform::write_all(out->get(), std::string_view(buffer.data(), n.value()), to); !w.ok()) return w;
  }
  return platform::sync_file(out->get(), to);
}

result<received> import_file(const fetch_request& r, const std::atomic<bool>& cancel) {
  // Opened once, as the caller may: what is copied is the file that was checked (issue #15).
  auto in = platform::open_regular_file_for(r.caller_uid, r.file);
  if (!in.ok()) return in.error();
  auto dest = r.images_dir / work_name(r.task_id, "import");
  std::error_code ec;
  fs::remove(dest, ec);
  if (auto s = copy_file(*in, r.file, dest, cancel); !s.ok()) {
    fs::remove(dest, ec);
    return s.error();
  }
  auto digest = crypto::sha256_file(dest);
  if (!digest.ok() || (!r.expected_sha256.empty() && digest.value() != r.expected_sha256)) {
    fs::remove(dest, ec);
    if (!digest.ok()) return digest.error();
    return error::corruption("checksum mismatch: expected " + r.expected_sha256 + ", got " + digest.value());
  }
  return received{dest, digest.value()};
}

}  // namespace

void remove_task_leftovers(const fs::path& images_dir, std::uint64_t task_id) {
  std::error_code ec;
  for (const char* what : {"download", "import", "sums"}) {
    auto name = work_name(task_id, what);
    fs::remove(images_dir / name, ec);
    fs::remove(images_dir / ("." + name + ".part"), ec);
    fs::remove(images_dir / ("." + name + ".unpack"), ec);
  }
}

result<fetched_image> fetch_image(const fetch_request& r, const progress_callback& on_progress,
                                  const std::atomic<bool>& cancel) {
  std::error_code ec;
  fs::create_directories(r.images_dir, ec);
  auto got = r.file.empty() ? download_source(r, on_progress, cancel) : import_file(r, cancel);
  if (!got.ok()) return got.error();
  const fs::path work = got->path;
  auto fail = [&](const error& e) -> result<fetched_image> {
    fs::remove(work, ec);
    return e;
  };
  auto info = inspect_image(work);
  if (!info.ok()) return fail(info.error());
  if (auto s = check_importable(info.value()); !s.ok()) return fail(s.error());
  fetched_image out;
  out.format = info->format;
  out.virtual_size = info->virtual_size;
  out.size = fs::file_size(work, ec);
  out.sha256 = got->sha256;
  out.path = r.images_dir / (std::to_string(r.image_id) + "." + info->format);
  fs::rename(work, out.path, ec);
  if (ec) return fail(error::io_error("cannot move the image into place: " + ec.message()));
  return out;
}

}  // namespace kaso::images
