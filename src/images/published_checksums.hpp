// Reading a distribution's published checksum file (Ubuntu SHA256SUMS, Debian SHA512SUMS, Fedora
// and FreeBSD CHECKSUM files, Alpine's one-hash .sha512 files) to find the expected hash of one
// image. A pure function of the text: any thread.
//
// It does not check a PGP signature around the file (Fedora clearsigns its CHECKSUM files); the
// armour is skipped. The file comes over https from the distribution's own host.
#pragma once

#include <string>
#include <string_view>

#include "images/catalogue.hpp"
#include "util/error.hpp"

namespace kaso::images {

// Finds the hash that sums_text publishes for file_name. Understands, line by line:
//   GNU coreutils   "HASH  name", "HASH *name" (binary mode), "HASH name", with or without "./"
//   BSD tagged      "SHA256 (name) = HASH" / "SHA512 (name) = HASH"
//   a lone hash     when the whole file is one hash and nothing else (Alpine's *.sha512)
// Comments ('#'), blank lines, PGP armour and lines for other files are skipped.
// kind sha256sums expects 64 hex digits (and the SHA256 tag), sha512sums 128 (SHA512).
// Returns the hash in lower case.
// Errors: invalid_argument (kind is the inline sha256, or file_name is empty), not_found (no
// line for file_name), corruption (two different hashes for file_name).
result<std::string> find_published_checksum(std::string_view sums_text, std::string_view file_name,
                                            checksum_kind kind);

}  // namespace kaso::images
