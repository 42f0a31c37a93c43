// Bringing one image into the images directory: the work of one image task, from a URL (with its
// checksum), a catalogue entry (checksum from the published SUMS file) or a local file (copied,
// or cloned where the filesystem can). The file is inspected with qemu-img, refused unless it is a
// plain qcow2 or a raw disk, and renamed to <images_dir>/<image_id>.<format> only at the end, so
// that nothing half-made ever has an image's name.
//
// Threads: blocks for the whole transfer; run it on a thread that may block (an image worker).
// `cancel` may be set from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "images/catalogue.hpp"
#include "images/downloader.hpp"
#include "util/error.hpp"

namespace kaso::images {

struct fetch_request {
  std::uint64_t task_id = 0;
  std::uint64_t image_id = 0;
  std::filesystem::path images_dir;
  std::string url;                              // a url source
  std::optional<catalogue_entry> predefined;    // a catalogue source
  std::filesystem::path file;                   // a file source
  std::int64_t caller_uid = -1;                 // for file sources: who asked (-1 = unknown)
  std::string expected_sha256;                  // hex; empty when not given
};

struct fetched_image {
  std::filesystem::path path;
  std::string format;
  std::uint64_t virtual_size = 0, size = 0;
  std::string sha256;
};

result<fetched_image> fetch_image(const fetch_request& request, const progress_callback& on_progress,
                                  const std::atomic<bool>& cancel);

// Removes what an unfinished task of this id left in the images directory.
void remove_task_leftovers(const std::filesystem::path& images_dir, std::uint64_t task_id);

}  // namespace kaso::images
