// part_writer: the .part file always holds exactly a prefix of the bytes appended, in order, and
// the digests follow every byte once, whatever the chunk sizes, a resumed unaligned start, early
// hand-offs of slow blocks, a restart, the filesystem (direct I/O or not) and write errors.
#include "images/part_writer.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "test_support.hpp"

namespace kaso::images {
namespace {

using testing::make_payload;
using testing::read_file;
using testing::sha256_hex;
using testing::temp_dir;
namespace fs = std::filesystem;

constexpr auto block = part_writer::block_size;

struct part_file {
  explicit part_file(const fs::path& dir) : path(dir / ".disk.part") {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
  }
  ~part_file() { ::close(fd); }
  fs::path path;
  int fd;
};

// Appends `data` in chunks of `chunk` bytes (as libcurl hands them over).
void append_in_chunks(part_writer& w, std::string_view data, std::size_t chunk) {
  for (std::size_t at = 0; at < data.size(); at += chunk) {
    ASSERT_TRUE(w.append(data.data() + at, std::min(chunk, data.size() - at)).ok());
  }
}

void expect_file_and_digest(const part_file& f, digests& hashes, std::string_view data) {
  EXPECT_EQ(read_file(f.path), data);
  EXPECT_EQ(hashes.sha256.hex_digest(), sha256_hex(data));
}

class part_writer_sizes : public ::testing::TestWithParam<std::size_t> {};

TEST_P(part_writer_sizes, the_file_and_the_digest_are_exactly_the_bytes_appended) {
  temp_dir dir;
  part_file f(dir.path());
  digests hashes(false);
  const auto data = make_payload(GetParam());
  {
    part_writer w(f.fd, f.path, hashes, 0);
    append_in_chunks(w, data, 131072 + 7);  // chunks that straddle blocks and alignment units
    ASSERT_TRUE(w.finish().ok());
  }
  expect_file_and_digest(f, hashes, data);
  const int flags = ::fcntl(f.fd, F_GETFL);
  EXPECT_EQ(flags & O_DIRECT, 0) << "the fd is back to buffered I/O for what reads it next";
}

INSTANTIATE_TEST_SUITE_P(sizes, part_writer_sizes,
                         ::testing::Values(std::size_t{1}, std::size_t{4095}, std::size_t{4096}, block - 1, block,
                                           block + 1, 3 * block + 12345, 11 * block + 4096));

TEST(part_writer, writes_direct_where_the_filesystem_allows_it) {
  temp_dir dir;
  struct statfs fs_info {};
  ASSERT_EQ(::statfs(dir.path().c_str(), &fs_info), 0);
  if (fs_info.f_type != 0xEF53) GTEST_SKIP() << "not ext2/3/4: whether O_DIRECT works there is not known here";
  part_file f(dir.path());
  digests hashes(false);
  part_writer w(f.fd, f.path, hashes, 0);
  EXPECT_TRUE(w.direct());
  const auto data = make_payload(2 * block + 100);
  append_in_chunks(w, data, 65536);
  ASSERT_TRUE(w.finish().ok());
  EXPECT_EQ(read_file(f.path), data);
}

TEST(part_writer, works_on_tmpfs_whether_or_not_it_takes_direct_io) {
  struct statfs fs_info {};
  if (::statfs("/dev/shm", &fs_info) != 0 || fs_info.f_type != 0x01021994) GTEST_SKIP() << "no tmpfs at /dev/shm";
  char tmpl[] = "/dev/shm/kaso-part-writer-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  {
    part_file f(tmpl);
    digests hashes(false);
    const auto data = make_payload(2 * block + 4097);
    {
      part_writer w(f.fd, f.path, hashes, 0);
      append_in_chunks(w, data, 100000);
      ASSERT_TRUE(w.finish().ok());
    }
    expect_file_and_digest(f, hashes, data);
  }
  fs::remove_all(tmpl);
}

TEST(part_writer, a_resumed_part_that_ends_inside_an_alignment_unit_is_continued_exactly) {
  temp_dir dir;
  part_file f(dir.path());
  const auto data = make_payload(2 * block + 999);
  const std::size_t earlier = 3 * 4096 + 1234;  // what an interrupted call left
  ASSERT_EQ(::pwrite(f.fd, data.data(), earlier, 0), static_cast<ssize_t>(earlier));
  digests hashes(false);
  hashes.update(data.data(), earlier);  // as hash_existing does
  {
    part_writer w(f.fd, f.path, hashes, earlier);
    append_in_chunks(w, std::string_view(data).substr(earlier), 50000);
    ASSERT_TRUE(w.finish().ok());
  }
  expect_file_and_digest(f, hashes, data);
}

TEST(part_writer, a_slow_block_reaches_the_file_before_it_is_full) {
  temp_dir dir;
  part_file f(dir.path());
  digests hashes(false);
  const auto data = make_payload(3 * 4096 + 1000 + 2 * block);
  part_writer w(f.fd, f.path, hashes, 0);
  ASSERT_TRUE(w.append(data.data(), 3 * 4096 + 1000).ok());
  // No more bytes come; the transfer ticks (libcurl's progress callback) until max_hold has passed
  // and the writer has the block on disk: a kill -9 now would leave these bytes in the .part.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fs::file_size(f.path) < 3 * 4096 + 1000 && std::chrono::steady_clock::now() < deadline) {
    w.tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(read_file(f.path), data.substr(0, 3 * 4096 + 1000));
  // The unit it ended in is completed by what comes next.
  append_in_chunks(w, std::string_view(data).substr(3 * 4096 + 1000), 70000);
  ASSERT_TRUE(w.finish().ok());
  expect_file_and_digest(f, hashes, data);
}

TEST(part_writer, destruction_writes_what_was_received_so_a_resume_can_continue) {
  temp_dir dir;
  part_file f(dir.path());
  digests hashes(false);
  const auto data = make_payload(block + 5000);
  {
    part_writer w(f.fd, f.path, hashes, 0);
    append_in_chunks(w, data, 8192);
  }  // the transfer failed here: no finish()
  EXPECT_EQ(read_file(f.path), data);
}

TEST(part_writer, restart_empties_the_file_and_the_digest) {
  temp_dir dir;
  part_file f(dir.path());
  digests hashes(false);
  const auto old_bytes = make_payload(block + 300, 1), new_bytes = make_payload(2 * block + 17, 2);
  {
    part_writer w(f.fd, f.path, hashes, 0);
    append_in_chunks(w, old_bytes, 65536);
    ASSERT_TRUE(w.restart().ok());
    append_in_chunks(w, new_bytes, 65536);
    ASSERT_TRUE(w.finish().ok());
  }
  expect_file_and_digest(f, hashes, new_bytes);
}

TEST(part_writer, a_write_error_is_reported_and_leaves_only_a_prefix) {
  temp_dir dir;
  part_file f(dir.path());
  digests hashes(false);
  const auto data = make_payload(4 * block);
  // A file size limit stands in for a full disk: writes past it fail (EFBIG, SIGXFSZ ignored).
  auto* old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  ::getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit limit = old_limit;
  limit.rlim_cur = block + 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  status last = ok_status();
  {
    part_writer w(f.fd, f.path, hashes, 0);
    for (std::size_t at = 0; at < data.size() && last.ok(); at += 65536) last = w.append(data.data() + at, 65536);
    status finished = w.finish();
    if (last.ok()) last = finished;
  }
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(last.ok());
  EXPECT_NE(last.error().message().find(".disk.part"), std::string::npos) << last.error().message();
  const auto on_disk = read_file(f.path);
  EXPECT_LE(on_disk.size(), block + 4096);
  EXPECT_EQ(on_disk, data.substr(0, on_disk.size())) << "no hole, no bytes out of place";
}

}  // namespace
}  // namespace kaso::images
