// sha256: FIPS 180-2 vectors, streaming equals one-shot, and sha256_file against sha256sum.
#include "crypto/sha256.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace kaso::crypto {
namespace {

using testing::read_file;
using testing::run_command;
using testing::temp_dir;
using testing::write_file;

constexpr std::string_view empty_digest =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view abc_digest =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr std::string_view million_a_digest =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST(sha256, empty_message) {
  sha256 hasher;
  EXPECT_EQ(hasher.hex_digest(), empty_digest);
}

TEST(sha256, abc) {
  sha256 hasher;
  hasher.update("abc", 3);
  EXPECT_EQ(hasher.hex_digest(), abc_digest);
}

TEST(sha256, two_block_message) {
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(sha256, one_million_a_in_uneven_chunks) {
  const std::string chunk(997, 'a');
  sha256 hasher;
  std::size_t fed = 0;
  while (fed < 1'000'000) {
    const std::size_t n = std::min<std::size_t>(chunk.size(), 1'000'000 - fed);
    hasher.update(chunk.data(), n);
    fed += n;
  }
  EXPECT_EQ(hasher.hex_digest(), million_a_digest);
  EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')), million_a_digest);
}

TEST(sha256, digest_is_32_raw_bytes_matching_the_hex) {
  const std::string raw = sha256_digest("abc");
  ASSERT_EQ(raw.size(), sha256::digest_size);
  EXPECT_EQ(static_cast<unsigned char>(raw[0]), 0xba);
  EXPECT_EQ(static_cast<unsigned char>(raw[31]), 0xad);
}

TEST(sha256, finishing_resets_the_hasher_for_the_next_message) {
  sha256 hasher;
  hasher.update("abc");
  EXPECT_EQ(hasher.hex_digest(), abc_digest);
  EXPECT_EQ(hasher.hex_digest(), empty_digest);
  hasher.update("abc");
  EXPECT_EQ(hasher.hex_digest(), abc_digest);
}

TEST(sha256, moved_to_hasher_continues_and_moved_from_one_is_inert) {
  sha256 first;
  first.update("ab");
  sha256 second = std::move(first);
  second.update("c");
  EXPECT_EQ(second.hex_digest(), abc_digest);
  first.update("abc");  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_EQ(first.hex_digest(), "");
}

TEST(sha256_file, matches_sha256sum_for_a_file_larger_than_the_read_buffer) {
  temp_dir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string content;
  for (std::uint32_t i = 0; i < 300'000; ++i) content += static_cast<char>(i * 7919u % 251u);
  const auto path = dir.path() / "data.bin";
  write_file(path, content);

  const result<std::string> ours = sha256_file(path);
  ASSERT_TRUE(ours.ok()) << ours.error().to_string();
  const testing::command_output theirs = run_command("sha256sum '" + path.string() + "'");
  ASSERT_EQ(theirs.exit_code, 0);
  EXPECT_EQ(*ours, theirs.out.substr(0, 64));
  EXPECT_EQ(*ours, sha256_hex(read_file(path)));
}

TEST(sha256_file, empty_file) {
  temp_dir dir;
  const auto path = dir.path() / "empty";
  write_file(path, "");
  const result<std::string> digest = sha256_file(path);
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, empty_digest);
}

TEST(sha256_file, missing_file_is_not_found_and_names_the_path) {
  temp_dir dir;
  const auto path = dir.path() / "missing";
  const result<std::string> digest = sha256_file(path);
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.error().code(), errc::not_found);
  EXPECT_NE(digest.error().message().find(path.string()), std::string::npos);
}

TEST(sha256_file, directory_is_an_io_error) {
  temp_dir dir;
  const result<std::string> digest = sha256_file(dir.path());
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.error().code(), errc::io_error);
}

TEST(sha256_file, unreadable_file_is_permission_denied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  temp_dir dir;
  const auto path = dir.path() / "secret";
  write_file(path, "x");
  std::filesystem::permissions(path, std::filesystem::perms::none);
  const result<std::string> digest = sha256_file(path);
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.error().code(), errc::permission_denied);
}

}  // namespace
}  // namespace kaso::crypto
