// Issue #15's low items that the API and the server's start enforce: a task id must be a number,
// the catalogue's arch a known one, a guest network no loopback or multicast block; an unknown
// log_level and a default_server_host that only looks like loopback stop the server.
#include <gtest/gtest.h>

#include "eventually.hpp"
#include "server_harness.hpp"

namespace kaso::testing {
namespace {

TEST(low_hardening_it, issue_15_odd_ids_arches_and_network_blocks_are_refused) {
  server_harness s;
  s.start();
  EXPECT_EQ(s.call("POST", "/api/v1/tasks/1xyz/cancel").status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/tasks/1xyz").status, 404);
  auto arch = s.call("GET", "/api/v1/images/catalogue?arch=../../x");
  EXPECT_EQ(arch.status, 400) << arch.body.dump();
  EXPECT_EQ(s.call("GET", "/api/v1/images/catalogue?arch=aarch64").status, 200);
  // The predefined networks are recorded just after the server starts answering: count from there.
  ASSERT_TRUE(eventually([&] { return s.get_json("/api/v1/networks").size() == 3; }));
  const auto before = s.get_json("/api/v1/events").size();
  for (auto [cidr, first, last] : {std::tuple{"127.0.0.0/24", "127.0.0.10", "127.0.0.20"},
                                   std::tuple{"224.0.0.0/24", "224.0.0.10", "224.0.0.20"},
                                   std::tuple{"169.254.1.0/24", "169.254.1.10", "169.254.1.20"}}) {
    auto r = s.call("POST", "/api/v1/networks",
                    {{"name", "odd"}, {"kind", "host-only"}, {"cidr", cidr}, {"dhcp_start", first}, {"dhcp_end", last}});
    EXPECT_EQ(r.status, 400) << cidr << ": " << r.body.dump();
    EXPECT_NE(r.body["error"]["message"].get<std::string>().find("overlaps the"), std::string::npos) << r.body.dump();
  }
  EXPECT_EQ(s.get_json("/api/v1/events").size(), before) << "nothing recorded";
}

TEST(low_hardening_it, issue_15_a_bad_log_level_or_a_fake_loopback_host_stops_the_server) {
  server_harness s;
  struct row {
    nlohmann::json config;
    const char* says;
  };
  for (const auto& r : {row{{{"log_level", "verbose"}}, "log_level must be"},
                        row{{{"tcp_listener", true}, {"default_server_host", "127.evil.example"}}, "is not a loopback address"}}) {
    s.write_config(r.config);
    auto out = platform::run_process({KASO_SERVER_BIN, "-c", s.config_file().string(), "-p", s.state_path().string()},
                                     std::chrono::seconds(30));
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->exit_code, 1) << r.config.dump();
    EXPECT_NE(out->stderr_text.find(r.says), std::string::npos) << out->stderr_text;
  }
}

}  // namespace
}  // namespace kaso::testing
