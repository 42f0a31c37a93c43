// What a disk image file is (qemu-img's view of it) and whether Kaso Mashin may import it as a
// base image.
//
// inspect_image runs `qemu-img info` and reads the first sectors of the file: it blocks, so call
// it from a thread that may (the image actor's worker). parse_qemu_img_info and check_importable
// are pure: any thread.
//
// Import rule (check_importable):
//   | format | accepted when                                                                |
//   |--------|------------------------------------------------------------------------------|
//   | qcow2  | no backing file, no external data file, not encrypted, virtual size > 0      |
//   | raw    | size >= 1 MiB, a multiple of 512 bytes, and an MBR boot signature (55 AA at   |
//   |        | byte 510) or a GPT header ("EFI PART" at byte 512) is present                 |
//   | other  | refused                                                                      |
// qemu-img calls any file it does not recognise "raw", so a text file or an HTML error page is
// "raw" too: the size and partition-table checks are what tell a disk from such a file. Every
// cloud image we know in raw form is partitioned (MBR, or GPT with its protective MBR). A backing
// file or data file is refused because it could name any file on the host, which the VM would
// then read.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace kaso::images {

struct image_info {
  std::string format;               // as qemu-img names it: "qcow2", "raw", "vmdk", ...
  std::uint64_t virtual_size = 0;   // bytes the guest sees
  std::uint64_t actual_size = 0;    // bytes allocated on the host
  std::optional<std::string> backing_file;
  std::optional<std::string> data_file;  // qcow2 external data file
  bool encrypted = false;
  // Raw images only (filled by inspect_image from the first two sectors): "mbr", "gpt" or "".
  std::string partition_table;
};

// Parses `qemu-img info --output=json` (one image, not --backing-chain).
// Errors: invalid_argument when the JSON is not that.
result<image_info> parse_qemu_img_info(std::string_view json);

struct qemu_img_options {
  std::string program = "qemu-img";  // looked up in PATH unless it contains a '/'
  std::chrono::milliseconds timeout{30000};
};

// Runs `qemu-img info --output=json -U <absolute path>` (-U: do not take qemu's image lock, so an
// image in use can be inspected; the path is made absolute so that qemu-img never takes it for an
// option or a "protocol:" filename) and, for raw images, looks for a partition table.
// Errors: not_found (no such file, or no qemu-img), invalid_argument (qemu-img cannot read it as
// an image), timeout, io_error.
result<image_info> inspect_image(const std::filesystem::path& path,
                                 const qemu_img_options& options = {});

// The import rule above. invalid_argument with a message that says what is wrong.
status check_importable(const image_info& info);

}  // namespace kaso::images
