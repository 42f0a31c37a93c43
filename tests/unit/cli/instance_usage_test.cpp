// The instance verbs' command-line errors (exit 2, one line, nothing sent), and the parsing of
// their number-like values: sizes (-s 5G) and counts.
#include <gtest/gtest.h>

#include "cli/instance/option_values.hpp"
#include "usage_case.hpp"

namespace kaso::cli {
namespace {

using testing::usage_case;

class instance_usage_errors : public ::testing::TestWithParam<usage_case> {};

TEST_P(instance_usage_errors, exit_2_with_one_line) { testing::expect_usage_error(GetParam()); }

std::string hint(const std::string& verb) { return " (see 'kaso instance " + verb + " -h')"; }

// `kaso instance create` with the required options and `extra`.
std::vector<std::string> create_with(std::vector<std::string> extra) {
  std::vector<std::string> args{"instance", "create", "-n", "vm1", "--network-id", "1",
                                "--image-id", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

const std::string size_junk = "--size must be a size like 5G, 512M or 1T, or a number of bytes";

INSTANTIATE_TEST_SUITE_P(
    cli, instance_usage_errors,
    ::testing::Values(
        usage_case{{"instance", "create", "--network-id", "1", "--image-id", "1"},
                   "missing required option --name" + hint("create")},
        usage_case{{"instance", "create", "-n", "vm1", "--image-id", "1"},
                   "missing required option --network-id" + hint("create")},
        usage_case{{"instance", "create", "-n", "vm1", "--network", "1"},
                   "missing required option --image-id" + hint("create")},
        usage_case{create_with({"-s", "5X"}), size_junk + ", got '5X'" + hint("create")},
        usage_case{create_with({"-s", "1.5G"}), size_junk + ", got '1.5G'" + hint("create")},
        usage_case{create_with({"-s", "G"}), size_junk + ", got 'G'" + hint("create")},
        usage_case{create_with({"-s", "-5G"}), size_junk + ", got '-5G'" + hint("create")},
        usage_case{create_with({"-s", "5GiB"}), size_junk + ", got '5GiB'" + hint("create")},
        usage_case{create_with({"-s", ""}), size_junk + ", got ''" + hint("create")},
        usage_case{create_with({"--size", "0"}), "--size must be more than 0, got '0'" +
                                                     hint("create")},
        usage_case{create_with({"-s", "16777216T"}), size_junk + ", got '16777216T'" +
                                                          hint("create")},
        usage_case{create_with({"--vcpu", "0"}),
                   "--vcpu must be a positive integer, got '0'" + hint("create")},
        usage_case{create_with({"--vcpu", "two"}),
                   "--vcpu must be a positive integer, got 'two'" + hint("create")},
        usage_case{create_with({"--vcpu", "4097"}),
                   "--vcpu must be at most 4096, got '4097'" + hint("create")},
        usage_case{create_with({"--ram", "1073741825"}),
                   "--ram must be at most 1073741824, got '1073741825'" + hint("create")},
        usage_case{create_with({"--ram", "2G"}),
                   "--ram must be a positive integer, got '2G'" + hint("create")},
        usage_case{create_with({"--display", "sdl"}),
                   "unknown display 'sdl' (use headless, vnc, gui or cocoa)" + hint("create")},
        usage_case{create_with({"-b", "cloud-init"}),
                   "unknown bootstrapper 'cloud-init' (use ci, ci-disk, ignition or none)" +
                       hint("create")},
        usage_case{create_with({"--static-ip4", "172.16.4"}),
                   "--static-ip4 must be an IPv4 address, got '172.16.4'" + hint("create")},
        usage_case{create_with({"--identity-id"}),
                   "option '--identity-id' is missing an argument" + hint("create")},
        usage_case{{"instance", "modify", "vm1"},
                   "nothing to change: give -n, --vcpu, --ram, --display, --autostart, --no-autostart, a "
                   "--restart option, --forward, --remove-forward, --mount or --remove-mount" + hint("modify")},
        usage_case{{"instance", "modify", "vm1", "--ram", "-1"},
                   "--ram must be a positive integer, got '-1'" + hint("modify")},
        usage_case{{"instance", "modify", "--vcpu", "2"},
                   "give one of REF, --id ID or --name NAME" + hint("modify")},
        usage_case{{"instance", "remove", "vm1", "--id", "1"},
                   "give only one of REF, --id ID and --name NAME" + hint("remove")},
        usage_case{{"instance", "start"}, "give one of REF, --id ID or --name NAME" + hint("start")},
        usage_case{{"instance", "start", "vm1", "--force"},
                   "option '--force' does not exist" + hint("start")},
        usage_case{{"instance", "stop", "vm1", "--timeout", "soon"},
                   "--timeout must be a non-negative integer, got 'soon'" + hint("stop")},
        usage_case{{"instance", "stop", "vm1", "--timeout", "3601"},
                   "--timeout must be at most 3600, got '3601'" + hint("stop")},
        usage_case{{"instance", "restart", "--id", "x"},
                   "--id must be a number, got 'x'" + hint("restart")},
        usage_case{{"instance", "console"},
                   "give one of REF, --id ID or --name NAME" + hint("console")},
        usage_case{{"instance", "console", "vm1", "-o", "json"},
                   "option '-o' does not exist" + hint("console")},
        usage_case{{"instance", "list", "-o", "yaml"},
                   "unknown output format 'yaml' (use table or json)" + hint("list")}),
    testing::usage_case_name);

TEST(parse_size, takes_bytes_and_binary_units_in_either_case_with_an_optional_b) {
  using instance::parse_size;
  EXPECT_EQ(parse_size("-s", "5368709120").value(), 5368709120u);
  EXPECT_EQ(parse_size("-s", "1").value(), 1u);
  EXPECT_EQ(parse_size("-s", "1K").value(), 1024u);
  EXPECT_EQ(parse_size("-s", "512M").value(), 512u * 1024 * 1024);
  EXPECT_EQ(parse_size("-s", "512m").value(), 512u * 1024 * 1024);
  EXPECT_EQ(parse_size("-s", "5G").value(), 5368709120u);
  EXPECT_EQ(parse_size("-s", "10g").value(), 10737418240u);
  EXPECT_EQ(parse_size("-s", "5GB").value(), 5368709120u);
  EXPECT_EQ(parse_size("-s", "1T").value(), 1099511627776u);
  EXPECT_EQ(parse_size("-s", "16777215T").value(), 16777215ull << 40);  // the largest in T
  EXPECT_EQ(parse_size("-s", "18446744073709551615").value(), UINT64_MAX);
}

TEST(parse_size, rejects_what_is_not_a_whole_size) {
  using instance::parse_size;
  for (const char* junk : {"", "G", "5X", "5GiB", "5BG", "1.5G", "-1", "+1", " 5G", "5G ", "0x10",
                           "0", "0G", "16777216T", "18446744073709551616"}) {
    auto parsed = parse_size("-s", junk);
    ASSERT_FALSE(parsed) << junk;
    EXPECT_EQ(parsed.error().code(), errc::invalid_argument) << junk;
  }
}

TEST(parse_count, bounds_are_inclusive) {
  using instance::parse_count;
  EXPECT_EQ(parse_count("--vcpu", "1", 1, 8).value(), 1u);
  EXPECT_EQ(parse_count("--vcpu", "8", 1, 8).value(), 8u);
  EXPECT_EQ(parse_count("--timeout", "0", 0).value(), 0u);
  EXPECT_EQ(parse_count("--vcpu", "9", 1, 8).error().message(),
            "--vcpu must be at most 8, got '9'");
  EXPECT_EQ(parse_count("--vcpu", "0", 1, 8).error().message(),
            "--vcpu must be a positive integer, got '0'");
}

}  // namespace
}  // namespace kaso::cli
