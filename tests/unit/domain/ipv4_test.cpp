// The strict IPv4 helpers: what parses, what is refused (and why), and the network arithmetic.
#include "domain/ipv4.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kaso::domain {
namespace {

std::uint32_t ip(const char* text) { return parse_ipv4(text).value(); }
ipv4_network net(const char* text) { return parse_cidr(text).value(); }

TEST(ipv4, parses_and_formats_dotted_quads) {
  EXPECT_EQ(ip("172.16.4.1"), 0xac100401u);
  EXPECT_EQ(ip("0.0.0.0"), 0u);
  EXPECT_EQ(ip("255.255.255.255"), 0xffffffffu);
  EXPECT_EQ(format_ipv4(0xac100401u), "172.16.4.1");
  EXPECT_EQ(format_ipv4(ip("10.0.2.100")), "10.0.2.100");
}

TEST(ipv4, refuses_everything_but_four_plain_decimal_parts) {
  for (const char* bad : {"172.016.4.1", "010.0.0.1", "1.2.3.00", "1.2.3", "1.2.3.4.5", " 1.2.3.4",
                          "1.2.3.4 ", "1.2.3.256", "1.2.3.1000", "1..2.3", "1.2.3.", ".1.2.3",
                          "0x1.2.3.4", "+1.2.3.4", "-1.2.3.4", "", "a.b.c.d", "1.2.3.4/24",
                          "1.2.3.4\n", "１.2.3.4"}) {
    auto r = parse_ipv4(bad, "gateway");
    ASSERT_FALSE(r.ok()) << "'" << bad << "' was accepted";
    EXPECT_EQ(r.error().code(), errc::invalid_argument);
    EXPECT_EQ(r.error().message().rfind("gateway '", 0), 0u) << r.error().message();
  }
  EXPECT_NE(parse_ipv4("172.016.4.1").error().message().find("leading zero"), std::string::npos);
  EXPECT_NE(parse_ipv4("1.2.3.4\n").error().message().find("\\x0a"), std::string::npos)
      << "control characters are shown escaped, never raw";
}

TEST(ipv4, parses_cidrs_and_refuses_host_bits_naming_the_network) {
  EXPECT_EQ(net("172.16.4.0/24"), (ipv4_network{0xac100400u, 24}));
  EXPECT_EQ(net("0.0.0.0/0"), (ipv4_network{0, 0}));
  EXPECT_EQ(net("10.0.0.1/32"), (ipv4_network{0x0a000001u, 32}));
  auto r = parse_cidr("172.16.4.1/24");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("172.16.4.0/24"), std::string::npos) << r.error().message();
  for (const char* bad : {"172.16.4.0", "172.16.4.0/33", "172.16.4.0/-1", "172.16.4.0/024",
                          "172.16.4.0/", "172.016.4.0/24", "172.16.4.0/24 ", "172.16.4.0/2a"}) {
    EXPECT_FALSE(parse_cidr(bad).ok()) << bad;
  }
  EXPECT_EQ(format_cidr(net("192.168.0.0/16")), "192.168.0.0/16");
  EXPECT_EQ(network_of(ip("192.168.7.9"), 20), net("192.168.0.0/20"));
}

TEST(ipv4, netmasks) {
  EXPECT_EQ(netmask_string(24), "255.255.255.0");
  EXPECT_EQ(netmask_string(0), "0.0.0.0");
  EXPECT_EQ(netmask_string(32), "255.255.255.255");
  EXPECT_EQ(netmask_string(20), "255.255.240.0");
  EXPECT_EQ(netmask_prefix(0xffffff00u), 24u);
  EXPECT_EQ(netmask_prefix(0u), 0u);
  EXPECT_EQ(netmask_prefix(0xffffffffu), 32u);
  EXPECT_EQ(netmask_prefix(0xff00ff00u), std::nullopt) << "not contiguous";
}

TEST(ipv4, network_broadcast_and_usable_hosts) {
  auto n = net("172.16.4.0/24");
  EXPECT_EQ(format_ipv4(network_address(n)), "172.16.4.0");
  EXPECT_EQ(format_ipv4(broadcast_address(n)), "172.16.4.255");
  EXPECT_EQ(format_ipv4(first_host(n)), "172.16.4.1");
  EXPECT_EQ(format_ipv4(last_host(n)), "172.16.4.254");
  auto p2p = net("10.0.0.0/31");
  EXPECT_EQ(format_ipv4(first_host(p2p)), "10.0.0.0");
  EXPECT_EQ(format_ipv4(last_host(p2p)), "10.0.0.1");
  auto single = net("10.0.0.7/32");
  EXPECT_EQ(first_host(single), last_host(single));
  EXPECT_EQ(format_ipv4(broadcast_address(net("0.0.0.0/0"))), "255.255.255.255");
}

TEST(ipv4, contains_and_overlaps) {
  auto n = net("172.16.4.0/24");
  EXPECT_TRUE(contains(n, ip("172.16.4.0")));
  EXPECT_TRUE(contains(n, ip("172.16.4.255")));
  EXPECT_FALSE(contains(n, ip("172.16.5.0")));
  EXPECT_FALSE(contains(n, ip("172.16.3.255")));
  EXPECT_TRUE(contains(net("0.0.0.0/0"), ip("8.8.8.8")));
  EXPECT_TRUE(overlaps(n, net("172.16.0.0/16")));
  EXPECT_TRUE(overlaps(net("172.16.0.0/16"), n));
  EXPECT_TRUE(overlaps(n, net("172.16.4.128/25")));
  EXPECT_TRUE(overlaps(n, n));
  EXPECT_FALSE(overlaps(n, net("172.16.5.0/24")));
  EXPECT_FALSE(overlaps(net("172.16.4.0/25"), net("172.16.4.128/25")));
}

}  // namespace
}  // namespace kaso::domain
