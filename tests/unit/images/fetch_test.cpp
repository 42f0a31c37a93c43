// fetch_image for local files: a server running as root imports only what the calling user could
// read; a refused or failed import leaves nothing in the images directory. Issue #3.
#include "images/fetch.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

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

TEST_F(fetch_files, user_may_read_follows_the_mode_bits) {
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  auto secret = qcow2("secret.qcow2", 0600);
  auto shared = qcow2("shared.qcow2", 0644);
  EXPECT_TRUE(user_may_read(0, secret));
  EXPECT_FALSE(user_may_read(nobody->pw_uid, secret));
  EXPECT_TRUE(user_may_read(nobody->pw_uid, shared));
  EXPECT_FALSE(user_may_read(-1, shared)) << "an unknown caller reads nothing";
  EXPECT_FALSE(user_may_read(nobody->pw_uid, dir)) << "only regular files";
  if (geteuid() == 0) {
    ASSERT_EQ(chown(secret.c_str(), nobody->pw_uid, nobody->pw_gid), 0);
    chmod(secret.c_str(), 0200);
    EXPECT_FALSE(user_may_read(nobody->pw_uid, secret)) << "the owner without the read bit";
  }
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
