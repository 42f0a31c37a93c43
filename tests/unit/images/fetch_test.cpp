// fetch_image for local files: a server running as root imports only what the calling user could
// read; a refused or failed import leaves nothing in the images directory. Issue #3.
#include "images/fetch.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "platform/file_io.hpp"
#include "platform/process.hpp"

namespace kaso::images {
namespace {

namespace fs = std::filesystem;

struct fetch_files : ::testing::Test {
  fs::path dir;
  void SetUp() override {
    char tmpl[] = "/tmp/kaso-fetch-XXXXXX";
    dir = mkdtemp(tmpl);
    fs::permissions(dir, fs::perms(0755));
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path qcow2(const std::string& name, mode_t mode) {
    auto path = dir / name;
    auto r = platform::run_process({"qemu-img", "create", "-q", "-f", "qcow2", path.string(), "16M"},
                                   std::chrono::seconds(30));
    EXPECT_TRUE(r.ok() && r->succeeded());
    chmod(path.c_str(), mode);
    return path;
  }
};

// platform::open_regular_file_for, which every file import goes through.
bool may_open(std::int64_t uid, const fs::path& path) { return platform::open_regular_file_for(uid, path).ok(); }

TEST_F(fetch_files, a_file_opens_only_as_its_mode_bits_allow_the_caller) {
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  auto secret = qcow2("secret.qcow2", 0600);
  auto shared = qcow2("shared.qcow2", 0644);
  EXPECT_TRUE(may_open(0, secret));
  EXPECT_FALSE(may_open(nobody->pw_uid, secret));
  EXPECT_TRUE(may_open(nobody->pw_uid, shared));
  EXPECT_FALSE(may_open(-1, shared)) << "an unknown caller reads nothing";
  EXPECT_EQ(platform::open_regular_file_for(nobody->pw_uid, dir).error().code(), errc::conflict) << "only regular files";
  if (geteuid() == 0) {
    ASSERT_EQ(chown(secret.c_str(), nobody->pw_uid, nobody->pw_gid), 0);
    chmod(secret.c_str(), 0200);
    EXPECT_FALSE(may_open(nobody->pw_uid, secret)) << "the owner without the read bit";
  }
}

// Issue #15: the mode bits of the file alone decided; a 0644 file in a root-only directory was
// imported, a FIFO hung the task, /dev/zero was copied until cancelled.
TEST_F(fetch_files, issue_15_directories_on_the_way_count_and_only_regular_files_open) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to act for another user";
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  auto closed = dir / "closed";
  fs::create_directory(closed);
  fs::permissions(closed, fs::perms(0700));
  auto inside = closed / "inside.qcow2";
  fs::copy_file(qcow2("x.qcow2", 0644), inside);
  fs::permissions(inside, fs::perms(0644));
  auto refused = platform::open_regular_file_for(nobody->pw_uid, inside);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), errc::permission_denied) << refused.error().message();
  EXPECT_TRUE(may_open(0, inside));

  // A link to a file the caller may not read is judged by its target.
  auto link = dir / "link.qcow2";
  fs::create_symlink(inside, link);
  EXPECT_FALSE(may_open(nobody->pw_uid, link));

  auto fifo = dir / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0666), 0);
  EXPECT_EQ(platform::open_regular_file_for(0, fifo).error().code(), errc::conflict) << "refused, not waited on";
  EXPECT_EQ(platform::open_regular_file_for(0, "/dev/zero").error().code(), errc::conflict);
  EXPECT_EQ(platform::open_regular_file_for(0, "relative.qcow2").error().code(), errc::invalid_argument);
}

TEST_F(fetch_files, an_import_the_caller_may_not_read_is_refused_and_leaves_nothing) {
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  fetch_request r;
  r.task_id = 4;
  r.image_id = 2;
  r.images_dir = dir / "images";
  r.file = qcow2("secret.qcow2", 0600);
  r.caller_uid = nobody->pw_uid;
  std::atomic<bool> cancel{false};
  auto got = fetch_image(r, {}, cancel);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::permission_denied);
  EXPECT_TRUE(fs::is_empty(r.images_dir));
  r.caller_uid = getuid();
  got = fetch_image(r, {}, cancel);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(got->path, r.images_dir / "2.qcow2");
  EXPECT_EQ(got->format, "qcow2");
  EXPECT_EQ(got->virtual_size, 16u << 20);
}

TEST_F(fetch_files, a_wrong_checksum_on_import_leaves_nothing) {
  fetch_request r;
  r.task_id = 5;
  r.image_id = 3;
  r.images_dir = dir / "images";
  r.file = qcow2("disk.qcow2", 0644);
  r.caller_uid = 0;
  r.expected_sha256 = std::string(64, '0');
  std::atomic<bool> cancel{false};
  auto got = fetch_image(r, {}, cancel);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), errc::corruption);
  EXPECT_TRUE(fs::is_empty(r.images_dir));
}

}  // namespace
}  // namespace kaso::images
