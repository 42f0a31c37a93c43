// Issue #17: a directory shared with a guest (--mount) is one the caller may read, and write
// unless shared read-only, checked with the caller's rights along the whole path, as file imports
// are (issue #15). Run as root, the test judges for `nobody` by mode bits it sets itself.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "platform/file_io.hpp"

namespace kaso::platform {
namespace {

namespace fs = std::filesystem;

TEST(directory_access, issue_17_a_shared_directory_is_one_the_caller_may_read_and_write_when_asked) {
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  char tmpl[] = "/tmp/kaso-dir-access-XXXXXX";
  fs::path top = ::mkdtemp(tmpl);
  ::chmod(top.c_str(), 0755);
  fs::create_directories(top / "open");
  fs::create_directories(top / "readonly");
  fs::create_directories(top / "closed" / "inside");
  ::chmod((top / "open").c_str(), 0777);
  ::chmod((top / "readonly").c_str(), 0755);
  ::chmod((top / "closed").c_str(), 0700);
  ::chmod((top / "closed" / "inside").c_str(), 0777);
  std::ofstream(top / "file") << "x";
  const auto uid = static_cast<std::int64_t>(nobody->pw_uid);
  EXPECT_TRUE(check_directory_for(uid, top / "open", true).ok());
  fs::create_directory_symlink(top / "open", top / "link");
  EXPECT_EQ(check_directory_for(uid, top / "link", true).value(), top / "open") << "the path checked, links resolved";
  EXPECT_TRUE(check_directory_for(uid, top / "readonly", false).ok());
  auto no_write = check_directory_for(uid, top / "readonly", true);
  ASSERT_FALSE(no_write.ok());
  EXPECT_EQ(no_write.error().code(), errc::permission_denied);
  EXPECT_NE(no_write.error().message().find(":ro"), std::string::npos) << "says how to share it read-only";
  EXPECT_EQ(check_directory_for(uid, top / "closed" / "inside", false).error().code(), errc::permission_denied)
      << "a directory inside one the caller may not search";
  EXPECT_TRUE(check_directory_for(0, top / "closed" / "inside", true).ok()) << "root may";
  EXPECT_EQ(check_directory_for(uid, top / "file", false).error().code(), errc::conflict) << "not a directory";
  EXPECT_EQ(check_directory_for(uid, top / "missing", false).error().code(), errc::not_found);
  EXPECT_EQ(check_directory_for(uid, "relative/dir", false).error().code(), errc::invalid_argument);
  EXPECT_FALSE(check_directory_for(-1, top / "open", false).ok()) << "an unknown caller shares nothing";
  fs::remove_all(top);
}

}  // namespace
}  // namespace kaso::platform
