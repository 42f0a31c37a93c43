// parse_qemu_img_info on canned output, and inspect_image + check_importable on real files made
// with `qemu-img create` (run through run_process, like the code under test).
#include "images/image_info.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "platform/process.hpp"
#include "test_support.hpp"

namespace kaso::images {
namespace {

using namespace std::chrono_literals;
using testing::temp_dir;

void qemu_img(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"qemu-img"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = platform::run_process(argv, 30s);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_TRUE(r->succeeded()) << r->stderr_text;
}

// Writes bytes at an offset of an existing file.
void poke(const std::filesystem::path& path, std::size_t offset, std::string_view bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(parse_qemu_img_info, reads_a_qcow2_report) {
  const char* json = R"({
    "virtual-size": 10737418240, "filename": "/x/disk.qcow2", "cluster-size": 65536,
    "format": "qcow2", "actual-size": 200704, "dirty-flag": false,
    "format-specific": {"type": "qcow2", "data": {"compat": "1.1", "compression-type": "zlib",
                        "lazy-refcounts": false, "refcount-bits": 16, "corrupt": false,
                        "extended-l2": false}}
  })";
  auto info = parse_qemu_img_info(json);
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(info->format, "qcow2");
  EXPECT_EQ(info->virtual_size, 10737418240u);
  EXPECT_EQ(info->actual_size, 200704u);
  EXPECT_FALSE(info->backing_file);
  EXPECT_FALSE(info->data_file);
  EXPECT_FALSE(info->encrypted);
  EXPECT_TRUE(check_importable(*info).ok());
}

TEST(parse_qemu_img_info, reads_backing_and_data_files_and_encryption) {
  auto backed = parse_qemu_img_info(R"({"format": "qcow2", "virtual-size": 1048576,
      "backing-filename": "/etc/shadow", "full-backing-filename": "/etc/shadow"})");
  ASSERT_TRUE(backed.ok());
  EXPECT_EQ(backed->backing_file, "/etc/shadow");

  auto data_file = parse_qemu_img_info(R"({"format": "qcow2", "virtual-size": 1048576,
      "format-specific": {"type": "qcow2", "data": {"data-file": "/dev/sda"}}})");
  ASSERT_TRUE(data_file.ok());
  EXPECT_EQ(data_file->data_file, "/dev/sda");

  auto encrypted = parse_qemu_img_info(R"({"format": "qcow2", "virtual-size": 1048576,
      "encrypted": true})");
  ASSERT_TRUE(encrypted.ok());
  EXPECT_TRUE(encrypted->encrypted);
}

TEST(parse_qemu_img_info, refuses_what_is_not_a_report) {
  for (const char* text : {"", "not json", "[]", R"({"format": "qcow2"})",
                           R"({"format": 3, "virtual-size": 1})",
                           R"({"format": "raw", "virtual-size": -1})"}) {
    auto r = parse_qemu_img_info(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code(), errc::invalid_argument) << text;
  }
}

TEST(check_importable, the_rule_table) {
  image_info qcow2;
  qcow2.format = "qcow2";
  qcow2.virtual_size = 1 << 30;
  EXPECT_TRUE(check_importable(qcow2).ok());

  auto backed = qcow2;
  backed.backing_file = "base.qcow2";
  EXPECT_EQ(check_importable(backed).error().code(), errc::invalid_argument);
  EXPECT_NE(check_importable(backed).error().message().find("backing file"), std::string::npos);

  auto data = qcow2;
  data.data_file = "/dev/sda";
  EXPECT_EQ(check_importable(data).error().code(), errc::invalid_argument);

  auto encrypted = qcow2;
  encrypted.encrypted = true;
  EXPECT_EQ(check_importable(encrypted).error().code(), errc::invalid_argument);

  image_info raw;
  raw.format = "raw";
  raw.virtual_size = 8 << 20;
  raw.partition_table = "gpt";
  EXPECT_TRUE(check_importable(raw).ok());
  auto odd = raw;
  odd.virtual_size += 100;
  EXPECT_NE(check_importable(odd).error().message().find("multiple of 512"), std::string::npos);
  auto tiny = raw;
  tiny.virtual_size = 4096;
  EXPECT_NE(check_importable(tiny).error().message().find("1 MiB"), std::string::npos);
  auto blank = raw;
  blank.partition_table.clear();
  EXPECT_NE(check_importable(blank).error().message().find("partition table"), std::string::npos);

  auto vmdk = qcow2;
  vmdk.format = "vmdk";
  EXPECT_NE(check_importable(vmdk).error().message().find("'vmdk'"), std::string::npos);
}

TEST(inspect_image, real_qcow2_is_importable) {
  temp_dir dir;
  const auto path = dir.path() / "disk.qcow2";
  qemu_img({"create", "-q", "-f", "qcow2", path.string(), "64M"});

  auto info = inspect_image(path);

  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(info->format, "qcow2");
  EXPECT_EQ(info->virtual_size, 64u * 1024 * 1024);
  EXPECT_GT(info->actual_size, 0u);
  EXPECT_FALSE(info->backing_file);
  EXPECT_TRUE(check_importable(*info).ok());
}

TEST(inspect_image, qcow2_with_a_backing_file_is_refused) {
  temp_dir dir;
  const auto base = dir.path() / "base.qcow2";
  const auto overlay = dir.path() / "overlay.qcow2";
  qemu_img({"create", "-q", "-f", "qcow2", base.string(), "16M"});
  qemu_img({"create", "-q", "-f", "qcow2", "-b", base.string(), "-F", "qcow2", overlay.string()});

  auto info = inspect_image(overlay);

  ASSERT_TRUE(info.ok()) << info.error().to_string();
  ASSERT_TRUE(info->backing_file);
  EXPECT_EQ(*info->backing_file, base.string());
  auto verdict = check_importable(*info);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error().code(), errc::invalid_argument);
}

TEST(inspect_image, raw_disk_needs_a_partition_table) {
  temp_dir dir;
  const auto path = dir.path() / "disk.raw";
  qemu_img({"create", "-q", "-f", "raw", path.string(), "4M"});

  auto blank = inspect_image(path);
  ASSERT_TRUE(blank.ok()) << blank.error().to_string();
  EXPECT_EQ(blank->format, "raw");
  EXPECT_EQ(blank->virtual_size, 4u * 1024 * 1024);
  EXPECT_EQ(blank->partition_table, "");
  EXPECT_FALSE(check_importable(*blank).ok());

  poke(path, 510, "\x55\xaa");
  auto mbr = inspect_image(path);
  ASSERT_TRUE(mbr.ok()) << mbr.error().to_string();
  EXPECT_EQ(mbr->partition_table, "mbr");
  EXPECT_TRUE(check_importable(*mbr).ok());

  poke(path, 512, "EFI PART");
  auto gpt = inspect_image(path);
  ASSERT_TRUE(gpt.ok()) << gpt.error().to_string();
  EXPECT_EQ(gpt->partition_table, "gpt");
  EXPECT_TRUE(check_importable(*gpt).ok());
}

TEST(inspect_image, a_text_file_is_raw_to_qemu_img_but_not_importable) {
  temp_dir dir;
  const auto small = dir.path() / "index.html";
  testing::write_file(small, "<html><body>404 Not Found</body></html>\n");
  auto info = inspect_image(small);
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(info->format, "raw");
  auto verdict = check_importable(*info);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error().code(), errc::invalid_argument);

  // Big and sector-aligned text still has no partition table.
  const auto big = dir.path() / "notes.txt";
  testing::write_file(big, std::string(2 * 1024 * 1024, 'x'));
  auto big_info = inspect_image(big);
  ASSERT_TRUE(big_info.ok()) << big_info.error().to_string();
  EXPECT_NE(check_importable(*big_info).error().message().find("partition table"),
            std::string::npos);
}

TEST(inspect_image, relative_paths_and_odd_names_are_safe) {
  temp_dir dir;
  // A name that qemu-img would take for an option or a protocol if it were passed as is.
  const auto path = dir.path() / "-json:x.qcow2";
  qemu_img({"create", "-q", "-f", "qcow2", (dir.path() / "plain.qcow2").string(), "1M"});
  std::filesystem::rename(dir.path() / "plain.qcow2", path);
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto info = inspect_image("-json:x.qcow2");
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(info->format, "qcow2");
}

TEST(inspect_image, missing_file_and_missing_tool_are_not_found) {
  temp_dir dir;
  auto missing = inspect_image(dir.path() / "nope.qcow2");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), errc::not_found);

  const auto path = dir.path() / "disk.qcow2";
  qemu_img({"create", "-q", "-f", "qcow2", path.string(), "1M"});
  auto no_tool = inspect_image(path, {.program = "kaso-no-such-qemu-img"});
  ASSERT_FALSE(no_tool.ok());
  EXPECT_EQ(no_tool.error().code(), errc::not_found);
}

}  // namespace
}  // namespace kaso::images
