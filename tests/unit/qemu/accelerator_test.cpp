// choose_accelerator as a table against fake probe outcomes (issue #14: /dev/kvm that opens is
// not enough, a probe machine decides); the start-failure hint; kvm_usable only against what the
// filesystem says.
#include "qemu/accelerator.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

namespace kaso::qemu {
namespace {

using std::chrono::milliseconds;

const accelerator_host linux_kvm{host_os::linux, arch::x86_64, arch::x86_64, true};

// A fake probe: answers `outcome` and counts its calls.
struct fake_probe {
  kvm_probe_result outcome;
  int calls = 0;
  std::function<kvm_probe_result()> fn() {
    return [this] {
      ++calls;
      return outcome;
    };
  }
};

TEST(choose_accelerator, follows_the_table_without_probing_where_it_need_not) {
  struct row {
    std::string configured;
    accelerator_host host;
    accelerator expected;
  };
  const row rows[] = {
      {"tcg", linux_kvm, accelerator::tcg},
      {"kvm", linux_kvm, accelerator::kvm},
      {"auto", {host_os::linux, arch::x86_64, arch::x86_64, false}, accelerator::tcg},
      {"auto", {host_os::linux, arch::x86_64, arch::aarch64, true}, accelerator::tcg},
      {"auto", {host_os::linux, arch::aarch64, arch::x86_64, true}, accelerator::tcg},
      {"auto", {host_os::macos, arch::aarch64, arch::aarch64, false}, accelerator::hvf},
      {"auto", {host_os::macos, arch::x86_64, arch::x86_64, false}, accelerator::hvf},
      {"auto", {host_os::macos, arch::aarch64, arch::x86_64, false}, accelerator::tcg},
      {"hvf", {host_os::macos, arch::aarch64, arch::aarch64, false}, accelerator::hvf},
  };
  for (const row& r : rows) {
    fake_probe probe{{true, "", milliseconds(5)}};
    auto c = choose_accelerator(r.configured, r.host, probe.fn());
    ASSERT_TRUE(c.ok()) << r.configured << ": " << c.error().to_string();
    EXPECT_EQ(c->accel, r.expected) << r.configured << " on " << to_string(r.host.os);
    EXPECT_FALSE(c->reason.empty());
    EXPECT_EQ(probe.calls, 0) << r.configured << " on " << to_string(r.host.os) << " needs no probe";
    EXPECT_FALSE(c->probed);
  }
}

TEST(choose_accelerator, issue_14_auto_with_an_opening_dev_kvm_takes_kvm_only_when_the_probe_ran) {
  fake_probe ran{{true, "", milliseconds(180)}};
  auto kvm = choose_accelerator("auto", linux_kvm, ran.fn());
  ASSERT_TRUE(kvm.ok());
  EXPECT_EQ(kvm->accel, accelerator::kvm);
  EXPECT_EQ(ran.calls, 1);
  EXPECT_TRUE(kvm->probed);
  EXPECT_EQ(kvm->reason, "a probe machine ran under KVM (180 ms)");

  const std::string aborted =
      "qemu was killed by signal 6 before it was running; its log ends with: error: failed to set MSR 0x10a to 0x69";
  fake_probe failed{{false, aborted, milliseconds(96)}};
  auto tcg = choose_accelerator("auto", linux_kvm, failed.fn());
  ASSERT_TRUE(tcg.ok());
  EXPECT_EQ(tcg->accel, accelerator::tcg);
  EXPECT_EQ(failed.calls, 1);
  EXPECT_TRUE(tcg->probed);
  EXPECT_NE(tcg->reason.find("could not run under KVM (96 ms)"), std::string::npos) << tcg->reason;
  EXPECT_NE(tcg->reason.find("failed to set MSR 0x10a"), std::string::npos) << "qemu's own words: " << tcg->reason;
  EXPECT_NE(tcg->reason.find("\"accelerator\": \"kvm\""), std::string::npos) << "what to set: " << tcg->reason;
}

TEST(choose_accelerator, refuses_what_this_host_cannot_have_and_unknown_keys) {
  fake_probe probe{{true, "", milliseconds(1)}};
  struct row {
    std::string configured;
    accelerator_host host;
  };
  const row rows[] = {
      {"kvm", {host_os::linux, arch::x86_64, arch::x86_64, false}},
      {"kvm", {host_os::macos, arch::aarch64, arch::aarch64, true}},
      {"hvf", linux_kvm},
      {"KVM", linux_kvm},
      {"", linux_kvm},
      {"xen", linux_kvm},
  };
  for (const row& r : rows) {
    auto c = choose_accelerator(r.configured, r.host, probe.fn());
    ASSERT_FALSE(c.ok()) << "'" << r.configured << "'";
    EXPECT_EQ(c.error().code(), errc::invalid_argument);
  }
  EXPECT_EQ(probe.calls, 0);
}

TEST(kvm_start_failure_hint, names_the_accelerator_key_only_for_kvm_failures_under_kvm) {
  const std::string msr = "qemu was killed by signal 6 before it was running; its log ends with:\n"
                          "kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.";
  auto hint = kvm_start_failure_hint(accelerator::kvm, msr);
  EXPECT_NE(hint.find("\"accelerator\": \"tcg\""), std::string::npos) << hint;
  EXPECT_TRUE(kvm_start_failure_hint(accelerator::tcg, msr).empty());
  EXPECT_TRUE(kvm_start_failure_hint(accelerator::kvm, "qemu exited with code 1: could not open disk").empty());
  EXPECT_FALSE(kvm_start_failure_hint(accelerator::kvm, "Could not access KVM kernel module").empty());
}

TEST(kvm_usable, agrees_with_opening_dev_kvm) {
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  bool expected = fd >= 0;
  if (fd >= 0) {
    ::close(fd);
  }
  EXPECT_EQ(kvm_usable(), expected);
}

}  // namespace
}  // namespace kaso::qemu
