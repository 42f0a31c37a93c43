// probe_kvm against qemus that cannot run (issue #14): a binary that is not there, one that exits
// at once. Each gives a verdict with a reason and leaves no folder behind. The real probe on the
// real host is in tests/integration/accelerator_test.cpp.
#include "vm/kvm_probe.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

namespace kaso::vm {
namespace {

namespace fs = std::filesystem;

struct scratch {
  fs::path path = fs::temp_directory_path() / ("kaso-kvm-probe-test-" + std::to_string(::getpid()));
  scratch() { fs::create_directories(path); }
  ~scratch() { fs::remove_all(path); }
  bool empty() const { return fs::is_empty(path); }
};

qemu::kvm_probe_result probe_with(const std::string& binary, const fs::path& workdir) {
  vm_platform p;
  p.qemu_binary = binary;
  return probe_kvm(p, {workdir, std::chrono::milliseconds(5000), std::chrono::milliseconds(50)});
}

TEST(probe_kvm, a_qemu_that_is_not_there_did_not_run) {
  scratch dir;
  auto r = probe_with("/nonexistent/qemu-system-x86_64", dir.path);
  EXPECT_FALSE(r.ran);
  EXPECT_NE(r.failure.find("/nonexistent/qemu-system-x86_64"), std::string::npos) << r.failure;
  EXPECT_TRUE(dir.empty()) << "the probe's folder is removed";
}

TEST(probe_kvm, a_qemu_that_exits_at_once_did_not_run_and_its_status_is_the_reason) {
  scratch dir;
  auto r = probe_with("/bin/false", dir.path);
  EXPECT_FALSE(r.ran);
  EXPECT_NE(r.failure.find("exited with code 1"), std::string::npos) << r.failure;
  EXPECT_EQ(r.failure.find('\n'), std::string::npos) << "one line: " << r.failure;
  EXPECT_TRUE(dir.empty());
}

TEST(probe_kvm, a_workdir_that_cannot_hold_a_folder_is_a_failure_not_a_crash) {
  auto r = probe_with("/bin/false", "/nonexistent/dir");
  EXPECT_FALSE(r.ran);
  EXPECT_NE(r.failure.find("no directory for the probe"), std::string::npos) << r.failure;
}

}  // namespace
}  // namespace kaso::vm
