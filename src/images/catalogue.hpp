// The catalogue of predefined cloud images (data/catalogue.json): for each OS release and CPU
// architecture, where the image lives, where its published checksum lives, and what a VM built on
// it needs at least.
//
// A catalogue is an immutable value once loaded: any thread may read it. Loading reads one file
// and parses it; call it from a thread that may block on disk (startup, an actor's worker).
//
// File format (schema 1):
//   { "schema": 1,
//     "images": [ { "name": "ubuntu-noble", "os": "ubuntu", "version": "24.04",
//                   "arch": "x86_64" | "aarch64", "url": "https://...", "format": "qcow2" | "raw",
//                   "checksum": { "kind": "sha256sums" | "sha512sums", "url": "https://.../SHA256SUMS",
//                                 "file": "name inside the SUMS file" }
//                             | { "kind": "sha256", "value": "<64 hex>" },
//                   "min_cpu": 1, "min_ram_mb": 1024, "min_space_mb": 5120,
//                   "eol": false } ] }
// Unknown keys are ignored (newer files stay readable); a malformed entry fails the whole load,
// naming the entry, because a half-read catalogue would silently hide images.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace kaso::images {

enum class cpu_arch { x86_64, aarch64 };

// "x86_64" / "aarch64"
std::string_view to_string(cpu_arch arch);
// Accepts the catalogue spellings and the Debian/Go ones ("amd64", "arm64").
std::optional<cpu_arch> parse_cpu_arch(std::string_view text);

enum class checksum_kind {
  sha256sums,  // a published file of SHA-256 lines (GNU "HASH  name" or BSD "SHA256 (name) = HASH")
  sha512sums,  // the same with SHA-512
  sha256,      // the SHA-256 itself, inline in the catalogue
};

std::string_view to_string(checksum_kind kind);

struct checksum_source {
  checksum_kind kind = checksum_kind::sha256sums;
  std::string url;        // the SUMS file (sums kinds only)
  std::string file_name;  // the name to look up in it (sums kinds only)
  std::string value;      // lower-case hex (inline kind only)
};

struct catalogue_entry {
  std::string name;     // "ubuntu-noble": unique together with arch
  std::string os;       // "ubuntu", "debian", "fedora", "freebsd", "alpine"
  std::string version;  // "24.04", "12", "14.4"
  cpu_arch arch = cpu_arch::x86_64;
  std::string url;     // https only
  std::string format;  // "qcow2" or "raw": what the file is once decompressed (a hint)
  checksum_source checksum;
  std::uint32_t min_cpu = 1;
  std::uint64_t min_ram_mb = 0;
  std::uint64_t min_space_mb = 0;
  bool eol = false;  // the release is out of standard support (kept for existing users)
};

class catalogue {
 public:
  catalogue() = default;
  // REQUIRES: entries are valid (as parse_catalogue checks) and (name, arch) pairs are unique.
  explicit catalogue(std::vector<catalogue_entry> entries) : entries_(std::move(entries)) {}

  const std::vector<catalogue_entry>& entries() const { return entries_; }
  // The entries for one architecture, in file order.
  std::vector<catalogue_entry> entries_for(cpu_arch arch) const;
  // not_found names the image and architecture.
  result<catalogue_entry> find(std::string_view name, cpu_arch arch) const;

 private:
  std::vector<catalogue_entry> entries_;
};

// invalid_argument naming the offending entry (or the JSON syntax error).
result<catalogue> parse_catalogue(std::string_view json_text);
// not_found / io_error when the file cannot be read, then as parse_catalogue.
result<catalogue> load_catalogue(const std::filesystem::path& path);

// data/catalogue.json as it was at build time.
const char* embedded_catalogue_json();

}  // namespace kaso::images
