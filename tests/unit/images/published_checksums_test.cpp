// find_published_checksum against the shapes of the files distributions actually publish.
#include "images/published_checksums.hpp"

#include <gtest/gtest.h>

namespace kaso::images {
namespace {

const std::string h1(64, 'a');
const std::string h2 = std::string(63, 'b') + "C";
const std::string h512(128, 'd');

TEST(published_checksums, ubuntu_sha256sums_with_binary_markers) {
  const std::string text = h1 + " *ubuntu-24.04-server-cloudimg-amd64.img\n" + h2 +
                           " *ubuntu-24.04-server-cloudimg-arm64.img\n" + std::string(64, 'e') +
                           " *ubuntu-24.04-server-cloudimg-arm64.tar.gz\n";
  auto r = find_published_checksum(text, "ubuntu-24.04-server-cloudimg-arm64.img",
                                   checksum_kind::sha256sums);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, std::string(63, 'b') + "c");  // lower-cased
}

TEST(published_checksums, debian_sha512sums_with_two_spaces) {
  const std::string text = h512 + "  debian-12-genericcloud-amd64.qcow2\n" +
                           std::string(128, 'f') + "  debian-12-genericcloud-amd64.raw\n";
  auto r = find_published_checksum(text, "debian-12-genericcloud-amd64.qcow2",
                                   checksum_kind::sha512sums);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, h512);
}

TEST(published_checksums, fedora_clearsigned_bsd_style) {
  const std::string text =
      "-----BEGIN PGP SIGNED MESSAGE-----\n"
      "Hash: SHA256\n"
      "\n"
      "# Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2: 559611904 bytes\n"
      "SHA256 (Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2) = " + h1 + "\n"
      "# Fedora-Cloud-Base-Generic-43-1.6.x86_64.raw.xz: 1 bytes\n"
      "SHA256 (Fedora-Cloud-Base-Generic-43-1.6.x86_64.raw.xz) = " + h2 + "\r\n"
      "-----BEGIN PGP SIGNATURE-----\n"
      "\n"
      + std::string(64, '0') + "\n"  // a signature line that happens to look like a hash
      "-----END PGP SIGNATURE-----\n";
  auto r = find_published_checksum(text, "Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2",
                                   checksum_kind::sha256sums);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, h1);
}

TEST(published_checksums, freebsd_checksum_file) {
  const std::string text =
      "SHA256 (FreeBSD-14.4-RELEASE-amd64-BASIC-CLOUDINIT-ufs.qcow2.xz) = " + h1 + "\n" +
      "SHA256 (FreeBSD-14.4-RELEASE-amd64-ufs.qcow2.xz) = " + h2 + "\n";
  auto r = find_published_checksum(text, "FreeBSD-14.4-RELEASE-amd64-ufs.qcow2.xz",
                                   checksum_kind::sha256sums);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, std::string(63, 'b') + "c");
}

TEST(published_checksums, alpine_lone_hash_file) {
  auto r = find_published_checksum(h512 + "\n", "nocloud_alpine-3.22.4-x86_64-bios-cloudinit-r0.qcow2",
                                   checksum_kind::sha512sums);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, h512);
}

TEST(published_checksums, dot_slash_and_single_space_names) {
  auto r = find_published_checksum(h1 + " ./disk.img\n", "disk.img", checksum_kind::sha256sums);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, h1);
}

TEST(published_checksums, the_digest_kind_must_match) {
  // A SHA-512 file read as SHA-256 (and the BSD tag) finds nothing.
  const std::string text = "SHA512 (disk.img) = " + h512 + "\n" + h512 + "  other.img\n";
  auto r = find_published_checksum(text, "disk.img", checksum_kind::sha256sums);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::not_found);
  auto ok = find_published_checksum(text, "disk.img", checksum_kind::sha512sums);
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
}

TEST(published_checksums, a_name_must_match_exactly) {
  const std::string text = h1 + "  disk.img.xz\n" + h2 + "  my-disk.img\n";
  auto r = find_published_checksum(text, "disk.img", checksum_kind::sha256sums);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::not_found);
  EXPECT_NE(r.error().message().find("disk.img"), std::string::npos);
}

TEST(published_checksums, a_lone_hash_among_other_lines_is_not_taken) {
  const std::string text = h1 + "\n" + h2 + "  other.img\n";
  auto r = find_published_checksum(text, "disk.img", checksum_kind::sha256sums);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::not_found);
}

TEST(published_checksums, conflicting_entries_are_corruption) {
  const std::string text = h1 + "  disk.img\nSHA256 (disk.img) = " + h2 + "\n";
  auto r = find_published_checksum(text, "disk.img", checksum_kind::sha256sums);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), errc::corruption);
  // The same hash twice is fine.
  auto twice = find_published_checksum(h1 + "  disk.img\n" + h1 + " *disk.img\n", "disk.img",
                                       checksum_kind::sha256sums);
  EXPECT_TRUE(twice.ok());
}

TEST(published_checksums, inline_kind_and_empty_name_are_invalid) {
  EXPECT_EQ(find_published_checksum(h1, "x", checksum_kind::sha256).error().code(),
            errc::invalid_argument);
  EXPECT_EQ(find_published_checksum(h1, "", checksum_kind::sha256sums).error().code(),
            errc::invalid_argument);
}

TEST(published_checksums, empty_text_is_not_found) {
  EXPECT_EQ(find_published_checksum("", "x", checksum_kind::sha256sums).error().code(),
            errc::not_found);
}

}  // namespace
}  // namespace kaso::images
