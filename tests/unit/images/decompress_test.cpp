// detect_compression and decompress_file with real gzip/xz/zstd data made by the libraries.
#include "images/decompress.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace kaso::images {
namespace {

using testing::read_file;
using testing::temp_dir;
using testing::write_file;

const std::atomic<bool> never{false};

TEST(detect_compression, magic_bytes_decide) {
  using namespace std::string_view_literals;
  EXPECT_EQ(detect_compression("x", "\x1f\x8b\x08\x00\x00\x00"sv), compression::gzip);
  EXPECT_EQ(detect_compression("x", "\xfd\x37\x7a\x58\x5a\x00"sv), compression::xz);
  EXPECT_EQ(detect_compression("x", "\x28\xb5\x2f\xfd\x00\x00"sv), compression::zstd);
  EXPECT_EQ(detect_compression("x.qcow2", "QFI\xfb\x00\x00"sv), compression::none);
  // A misleading suffix does not win over content that is long enough to tell.
  EXPECT_EQ(detect_compression("disk.img.xz", "QFI\xfb\x00\x00"sv), compression::none);
  EXPECT_EQ(detect_compression("disk.img.gz", "\x28\xb5\x2f\xfd\x00\x00"sv), compression::zstd);
}

TEST(detect_compression, suffix_counts_when_the_content_is_too_short) {
  EXPECT_EQ(detect_compression("https://h/a.qcow2.xz?sig=1#f", ""), compression::xz);
  EXPECT_EQ(detect_compression("a.raw.gz", "ab"), compression::gzip);
  EXPECT_EQ(detect_compression("a.zst", ""), compression::zstd);
  EXPECT_EQ(detect_compression("a.qcow2", ""), compression::none);
  EXPECT_EQ(detect_compression("a.xz.qcow2", ""), compression::none);
}

class decompress_test : public ::testing::TestWithParam<compression> {
 protected:
  std::string compress(std::string_view data) const {
    switch (GetParam()) {
      case compression::gzip: return testing::gzip_compress(data);
      case compression::xz: return testing::xz_compress(data);
      case compression::zstd: return testing::zstd_compress(data);
      case compression::none: break;
    }
    return std::string(data);
  }

  temp_dir dir;
  // More than one read block (256 KiB) and one write block (1 MiB) of the implementation.
  const std::string payload = testing::make_payload(1536 * 1024 + 7, 42);
};

TEST_P(decompress_test, round_trips_a_multi_block_file) {
  write_file(dir.path() / "in", compress(payload));
  auto st = decompress_file(dir.path() / "in", dir.path() / "out", GetParam(), never);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(read_file(dir.path() / "out"), payload);
}

TEST_P(decompress_test, concatenated_streams_are_all_decoded) {
  write_file(dir.path() / "in", compress("first part, ") + compress("second part"));
  auto st = decompress_file(dir.path() / "in", dir.path() / "out", GetParam(), never);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(read_file(dir.path() / "out"), "first part, second part");
}

TEST_P(decompress_test, truncated_input_is_corruption_and_leaves_no_output) {
  std::string data = compress(payload);
  data.resize(data.size() * 2 / 3);
  write_file(dir.path() / "in", data);
  auto st = decompress_file(dir.path() / "in", dir.path() / "out", GetParam(), never);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), errc::corruption) << st.error().to_string();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

TEST_P(decompress_test, trailing_garbage_is_corruption) {
  write_file(dir.path() / "in", compress("data") + "this is not compressed at all");
  auto st = decompress_file(dir.path() / "in", dir.path() / "out", GetParam(), never);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), errc::corruption) << st.error().to_string();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

TEST_P(decompress_test, empty_input_is_corruption) {
  write_file(dir.path() / "in", "");
  auto st = decompress_file(dir.path() / "in", dir.path() / "out", GetParam(), never);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), errc::corruption);
}

TEST_P(decompress_test, cancel_stops_and_removes_the_output) {
  write_file(dir.path() / "in", compress("some data"));
  const std::atomic<bool> cancel{true};
  auto st = decompress_file(dir.path() / "in", dir.path() / "out", GetParam(), cancel);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), errc::cancelled);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

TEST_P(decompress_test, an_existing_output_is_not_overwritten) {
  write_file(dir.path() / "in", compress("some data"));
  write_file(dir.path() / "out", "keep me");
  auto st = decompress_file(dir.path() / "in", dir.path() / "out", GetParam(), never);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), errc::already_exists);
  EXPECT_EQ(read_file(dir.path() / "out"), "keep me");
}

INSTANTIATE_TEST_SUITE_P(formats, decompress_test,
                         ::testing::Values(compression::gzip, compression::xz, compression::zstd),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace kaso::images
