// Configuration: the original's keys and defaults, unknown keys reported, wrong types refused.
#include "config/config.hpp"

#include <gtest/gtest.h>

namespace kaso {
namespace {

TEST(config, defaults_are_the_originals) {
  auto c = parse_config("", "/home/u/.kaso").value();
  EXPECT_EQ(c.config.path, owning_user_home() / "var" / "kaso");
  EXPECT_EQ(c.config.default_os_disk_size, "5G");
  EXPECT_EQ(c.config.default_phone_home_port, 10200);
  EXPECT_EQ(c.config.default_server_host, "127.0.0.1");
  EXPECT_EQ(c.config.default_server_port, 8000);
  EXPECT_EQ(c.config.default_host_network_cidr, "172.16.4.0/24");
  EXPECT_EQ(c.config.default_shared_network_dhcp4_end, "172.16.5.254");
  EXPECT_FALSE(c.config.tcp_listener);
  EXPECT_EQ(c.config.socket_path(), c.config.path / "kaso.sock");
  EXPECT_TRUE(c.warnings.empty());
}

TEST(config, values_override_and_unknown_keys_are_reported) {
  auto c = parse_config(R"({"path": "/srv/kaso", "default_server_port": 9000, "colour": "red"})", "/etc/k").value();
  EXPECT_EQ(c.config.path, "/srv/kaso");
  EXPECT_EQ(c.config.default_server_port, 9000);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("'colour'"), std::string::npos);
}

TEST(config, wrong_types_and_non_objects_are_errors) {
  EXPECT_EQ(parse_config(R"({"default_server_port": "80"})", "f").error().code(), errc::invalid_argument);
  EXPECT_EQ(parse_config(R"({"default_server_port": 70000})", "f").error().code(), errc::invalid_argument);
  EXPECT_EQ(parse_config(R"({"tcp_listener": 1})", "f").error().code(), errc::invalid_argument);
  EXPECT_EQ(parse_config("[1]", "f").error().code(), errc::invalid_argument);
  EXPECT_EQ(parse_config("{", "f").error().code(), errc::invalid_argument);
}

}  // namespace
}  // namespace kaso
