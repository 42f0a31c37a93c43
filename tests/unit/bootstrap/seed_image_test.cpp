// The seed ISO read back with isoinfo (genisoimage) and blkid: the volume id and label, the exact
// bytes of each file through Joliet and through Rock Ridge, file modes; nothing left behind by a
// failed write; several writers at once.
#include "bootstrap/seed_image.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"
#include "test_support.hpp"

namespace kaso::bootstrap {
namespace {

using testing::run_ok;

std::vector<seed_file> sample_files(const std::string& hostname) {
  guest_config config;
  config.instance_id = "kaso-1";
  config.hostname = hostname;
  config.users = {{"alice", "Al\nice", "", "", {"ssh-ed25519 AAAAC3Nza alice@laptop"}, ""}};
  config.static_ip = static_ipv4{"52:54:00:ab:cd:ef", "172.16.4.20", 24, "172.16.4.1", ""};
  return nocloud_files(config);
}

// Every byte value, and more than one 2048-byte block.
std::string binary_content() {
  std::string bytes;
  for (int i = 0; i < 5000; ++i) bytes += static_cast<char>(i * 7 % 256);
  return bytes;
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

void expect_files_read_back(const std::string& iso, const std::vector<seed_file>& files) {
  for (const seed_file& file : files) {
    EXPECT_EQ(run_ok({"isoinfo", "-i", iso, "-J", "-x", "/" + file.name}), file.content)
        << "Joliet " << file.name;
    EXPECT_EQ(run_ok({"isoinfo", "-i", iso, "-R", "-x", "/" + file.name}), file.content)
        << "Rock Ridge " << file.name;
  }
}

TEST(write_seed_iso, cidata_volume_with_the_exact_files) {
  temp_dir dir;
  const std::string iso = dir.file("seed.iso");
  std::vector<seed_file> files = sample_files("web-1");
  files.push_back({"binary", binary_content()});
  files.push_back({"empty", ""});
  ASSERT_TRUE(write_seed_iso(iso, files).ok());

  const std::string info = run_ok({"isoinfo", "-d", "-i", iso});
  EXPECT_NE(info.find("\nVolume id: CIDATA\n"), std::string::npos) << info;
  EXPECT_NE(info.find("Joliet with UCS level"), std::string::npos) << info;
  EXPECT_NE(info.find("Rock Ridge signatures version"), std::string::npos) << info;
  // What cloud-init's device search sees (Joliet's volume id).
  EXPECT_EQ(run_ok({"blkid", "-p", "-o", "value", "-s", "LABEL", iso}), "cidata\n");
  expect_files_read_back(iso, files);
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"seed.iso"});
}

TEST(write_seed_iso, files_are_0644_owned_by_root_and_the_image_is_private) {
  temp_dir dir;
  const std::string iso = dir.file("seed.iso");
  ASSERT_TRUE(write_seed_iso(iso, sample_files("web-1")).ok());

  // isoinfo -R -l: "-rw-r--r--   1    0    0   394 Nov 25 2026 [     35 00]  user-data "
  std::istringstream listing{run_ok({"isoinfo", "-i", iso, "-R", "-l"})};
  std::map<std::string, std::string> owner_and_mode;
  for (std::string line; std::getline(listing, line);) {
    std::istringstream words{line};
    std::vector<std::string> w{std::istream_iterator<std::string>{words}, {}};
    if (w.size() > 4 && w[0][0] == '-') owner_and_mode[w.back()] = w[0] + " " + w[2] + ":" + w[3];
  }
  EXPECT_EQ(owner_and_mode, (std::map<std::string, std::string>{
                                {"user-data", "-rw-r--r-- 0:0"},
                                {"meta-data", "-rw-r--r-- 0:0"},
                                {"network-config", "-rw-r--r-- 0:0"}}));
  struct stat st {};
  ASSERT_EQ(::stat(iso.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(write_seed_iso, replaces_an_existing_image) {
  temp_dir dir;
  const std::string iso = dir.file("seed.iso");
  ASSERT_TRUE(write_seed_iso(iso, sample_files("first")).ok());
  const std::vector<seed_file> second = sample_files("second");
  ASSERT_TRUE(write_seed_iso(iso, second).ok());
  expect_files_read_back(iso, second);
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"seed.iso"});
}

TEST(write_seed_iso, missing_directory_is_not_found_and_leaves_nothing) {
  temp_dir dir;
  const std::string iso = dir.file("no-such-dir/seed.iso");
  auto written = write_seed_iso(iso, sample_files("web-1"));
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code(), errc::not_found) << written.error().to_string();
  EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(write_seed_iso, failed_rename_leaves_no_temporary_file) {
  temp_dir dir;
  const std::string iso = dir.file("seed.iso");
  std::filesystem::create_directories(iso + "/occupied");  // rename cannot replace it
  auto written = write_seed_iso(iso, sample_files("web-1"));
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"seed.iso"});
  EXPECT_TRUE(std::filesystem::is_directory(iso));
}

TEST(write_seed_iso, refuses_bad_names_before_writing_anything) {
  temp_dir dir;
  const std::string iso = dir.file("seed.iso");
  for (const std::string& name : std::vector<std::string>{"", "a/b", "..", "user data",
                                                          std::string(65, 'x')}) {
    auto written = write_seed_iso(iso, {{name, "x"}});
    ASSERT_FALSE(written.ok()) << name;
    EXPECT_EQ(written.error().code(), errc::invalid_argument) << name;
  }
  auto repeated = write_seed_iso(iso, {{"user-data", "a"}, {"user-data", "b"}});
  ASSERT_FALSE(repeated.ok());
  EXPECT_EQ(repeated.error().code(), errc::invalid_argument);
  EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(write_seed_iso, several_threads_at_once) {
  temp_dir dir;
  constexpr int writers = 4;
  std::vector<std::vector<seed_file>> contents;
  for (int i = 0; i < writers; ++i) contents.push_back(sample_files("host-" + std::to_string(i)));
  std::vector<status> results(writers, ok_status());
  std::vector<std::thread> threads;
  for (int i = 0; i < writers; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 5 && results[i].ok(); ++round) {
        results[i] = write_seed_iso(dir.file("seed-" + std::to_string(i) + ".iso"), contents[i]);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < writers; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].error().to_string();
    expect_files_read_back(dir.file("seed-" + std::to_string(i) + ".iso"), contents[i]);
  }
}

}  // namespace
}  // namespace kaso::bootstrap
