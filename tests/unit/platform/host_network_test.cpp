// Host network probing: the pure parsers on sample texts, and the real probes on this host
// compared with what its own /proc/net/route says.
#include "platform/host_network.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "domain/ipv4.hpp"

namespace kaso::platform {
namespace {

const std::string route_header =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

TEST(parse_proc_net_route, picks_the_default_route_with_the_lowest_metric) {
  std::string text = route_header +
                     "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
                     "eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
                     "eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                     "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";
  auto r = parse_proc_net_route(text);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, (route_entry{"eth0", "192.168.2.1", 100}));
}

TEST(parse_proc_net_route, a_route_without_gateway_flag_has_no_gateway) {
  auto r = parse_proc_net_route(route_header +
                                "wg0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, (route_entry{"wg0", "", 0}));
}

TEST(parse_proc_net_route, no_default_route_is_not_found) {
  EXPECT_EQ(parse_proc_net_route("").error().code(), errc::not_found);
  EXPECT_EQ(parse_proc_net_route(route_header).error().code(), errc::not_found);
  std::string down_or_broken = route_header +
                               "eth0\t00000000\t0102A8C0\t0002\t0\t0\t100\t00000000\t0\t0\t0\n"  // not up
                               "eth1\t00000000\t0102A8C0\t0003\t0\t0\n"                          // short
                               "eth2\tZZ000000\t0102A8C0\t0003\t0\t0\t1\t00000000\t0\t0\t0\n"    // not hex
                               "eth3\t00000000\t0102A8C0\t0003\t0\t0\t1\t0000FFFF\t0\t0\t0\n";   // a mask
  EXPECT_EQ(parse_proc_net_route(down_or_broken).error().code(), errc::not_found);
}

TEST(parse_resolv_conf, takes_the_first_usable_ipv4_nameserver) {
  EXPECT_EQ(parse_resolv_conf("# generated\nsearch lan\nnameserver 192.168.1.1\nnameserver 1.1.1.1\n"),
            "192.168.1.1");
  EXPECT_EQ(parse_resolv_conf("nameserver fe80::1%en0\n; comment\nnameserver 127.0.0.53\n"
                              "  nameserver\t10.0.0.2  \r\n"),
            "10.0.0.2")
      << "IPv6 and loopback resolvers are skipped, whitespace tolerated";
  EXPECT_EQ(parse_resolv_conf("nameserver 010.0.0.2\n#nameserver 10.0.0.3\n"), "")
      << "leading zeros and commented lines are not addresses";
  EXPECT_EQ(parse_resolv_conf(""), "");
  EXPECT_EQ(parse_resolv_conf("nameserver"), "");
}

TEST(probe_interface_ipv4, finds_the_loopback_address) {
  auto lo = probe_interface_ipv4("lo");
  ASSERT_TRUE(lo.ok()) << lo.error().to_string();
  EXPECT_EQ(lo->ip4, "127.0.0.1");
  EXPECT_EQ(lo->cidr, "127.0.0.0/8");
  EXPECT_EQ(probe_interface_ipv4("nosuchif0").error().code(), errc::not_found);
}

TEST(probe_default_route, agrees_with_this_hosts_routing_table) {
  std::ifstream in("/proc/net/route");
  ASSERT_TRUE(in) << "/proc/net/route is readable on Linux";
  std::ostringstream text;
  text << in.rdbuf();
  auto expected = parse_proc_net_route(text.str());
  auto probed = probe_default_route();
  if (!expected.ok()) {
    ASSERT_FALSE(probed.ok());
    EXPECT_EQ(probed.error().code(), errc::not_found);
    return;
  }
  ASSERT_TRUE(probed.ok()) << probed.error().to_string();
  EXPECT_EQ(probed->interface, expected->interface);
  EXPECT_EQ(probed->gateway, expected->gateway);
  if (!probed->ip4.empty()) {
    auto cidr = domain::parse_cidr(probed->cidr);
    ASSERT_TRUE(cidr.ok()) << cidr.error().to_string();
    EXPECT_TRUE(domain::contains(*cidr, domain::parse_ipv4(probed->ip4).value()));
  }
  if (!probed->nameserver.empty()) {
    EXPECT_TRUE(domain::parse_ipv4(probed->nameserver).ok());
  }
}

}  // namespace
}  // namespace kaso::platform
