// The instance view's derived cells, for the shapes the get views in instance_verbs_test.cpp do
// not show: how qemu last ended and the SSH forward.
#include "cli/instance/view.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace kaso::cli::instance {
namespace {

TEST(instance_view, last_exit_says_code_or_signal) {
  EXPECT_EQ(last_exit_text({{"exit", nullptr}}), "");
  EXPECT_EQ(last_exit_text(nlohmann::json::object()), "");
  EXPECT_EQ(last_exit_text({{"exit", {{"code", 0}, {"signal", 0}}}}), "exit code 0");
  EXPECT_EQ(last_exit_text({{"exit", {{"code", 1}, {"signal", 0}}}}), "exit code 1");
  EXPECT_EQ(last_exit_text({{"exit", {{"code", 0}, {"signal", 15}}}}), "killed by signal 15");
}

TEST(instance_view, ssh_forward_needs_a_positive_port) {
  EXPECT_EQ(ssh_forward_text({{"ssh_port", 40022}}), "127.0.0.1:40022");
  EXPECT_EQ(ssh_forward_text({{"ssh_port", 0}}), "");
  EXPECT_EQ(ssh_forward_text({{"ssh_port", nullptr}}), "");
  EXPECT_EQ(ssh_forward_text({{"ssh_port", "40022"}}), "");
  EXPECT_EQ(ssh_forward_text(nlohmann::json::array()), "");
}

TEST(instance_view, several_host_keys_are_one_line_each) {
  nlohmann::json vm{{"phone_home",
                     {{"ip", "172.16.4.10"},
                      {"host_keys", {{"ssh-ed25519", "AAAA1"}, {"ecdsa-sha2-nistp256", "AAAA2"}}}}}};
  auto fields = fields_of(vm);
  auto keys = std::find_if(fields.begin(), fields.end(),
                           [](const field& f) { return f.name == "Phone home host keys"; });
  ASSERT_NE(keys, fields.end());
  EXPECT_EQ(keys->value, "ecdsa-sha2-nistp256 AAAA2\nssh-ed25519 AAAA1");  // nlohmann sorts keys
}

}  // namespace
}  // namespace kaso::cli::instance
