// Streaming decompression of a downloaded image (gzip, xz, zstd) from one file into another,
// never holding more than a few buffers in memory.
//
// Blocking disk work: call from the thread doing the download (an actor's worker). The cancel
// flag may be set from any thread; it is checked between blocks.
#pragma once

#include <atomic>
#include <filesystem>
#include <string_view>

#include "util/error.hpp"

namespace kaso::images {

enum class compression { none, gzip, xz, zstd };

// "none", "gzip", "xz", "zstd"
std::string_view to_string(compression kind);

// How many leading bytes detect_compression wants to see.
inline constexpr std::size_t compression_magic_bytes = 6;

// The content decides: gzip (1f 8b), xz (fd 37 7a 58 5a 00), zstd (28 b5 2f fd). The name's
// suffix (".gz", ".xz", ".zst", after any '?query' or '#fragment') only counts when head is too
// short to carry a magic number, so that a truncated file is reported by the decoder rather than
// taken for an image. A file named ".xz" whose content is not xz is treated as not compressed.
compression detect_compression(std::string_view name, std::string_view head);

// Decompresses `in` into `out`, which must not exist (it is created 0644 before umask), and
// fsyncs it. Concatenated streams/members are accepted, as the command-line tools do.
// Errors: corruption (not a valid stream, truncated, trailing garbage), io_error (read/write,
// disk full), cancelled. On any error `out` is removed. REQUIRES: kind != none.
status decompress_file(const std::filesystem::path& in, const std::filesystem::path& out,
                       compression kind, const std::atomic<bool>& cancel);

}  // namespace kaso::images
