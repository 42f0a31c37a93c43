// The network verbs against a fake kaso-server: the exact request each one sends and the exact
// text it prints, and their command-line errors.
#include <gtest/gtest.h>

#include "instance_test_data.hpp"
#include "usage_case.hpp"
#include "verb_fixture.hpp"

namespace kaso::cli {
namespace {

using testing::bridged_network;
using testing::host_network;
using testing::usage_case;

class network_verbs : public testing::verb_fixture {};

TEST_F(network_verbs, list_prints_a_table_with_the_dhcp_range) {
  server.answer("GET", "/api/v1/networks", 200,
                nlohmann::json::array({host_network(), bridged_network()}));

  auto r = kaso({"network", "list"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭────┬─────────────────────────┬───────────┬────────────────┬──────────────────────"
                "──────╮\n"
            "│ ID │ Name                    │ Kind      │ CIDR           │ DHCP range           "
                "      │\n"
            "├────┼─────────────────────────┼───────────┼────────────────┼──────────────────────"
                "──────┤\n"
            "│ 1  │ default_host_network    │ host-only │ 172.16.4.0/24  │ 172.16.4.10 - 172.16."
                "4.254 │\n"
            "│ 3  │ default_bridged_network │ bridged   │ 192.168.0.0/24 │                      "
                "      │\n"
            "╰────┴─────────────────────────┴───────────┴────────────────┴──────────────────────"
                "──────╯\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/api/v1/networks");
}

TEST_F(network_verbs, list_prints_exactly_the_api_json) {
  auto answer = nlohmann::json::array({host_network()});
  server.answer("GET", "/api/v1/networks", 200, answer);
  auto r = kaso({"network", "list", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, answer.dump(2) + "\n");
}

TEST_F(network_verbs, get_prints_the_field_view) {
  server.answer("GET", "/api/v1/networks/default_bridged_network", 200, bridged_network());

  auto r = kaso({"network", "get", "default_bridged_network"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭────────────────┬─────────────────────────────╮\n"
            "│ Field          │ Value                       │\n"
            "├────────────────┼─────────────────────────────┤\n"
            "│ Id             │ 3                           │\n"
            "│ Name           │ default_bridged_network     │\n"
            "│ Kind           │ bridged                     │\n"
            "│ CIDR           │ 192.168.0.0/24              │\n"
            "│ Host interface │ en0                         │\n"
            "│ Host IPv4      │ 192.168.0.183               │\n"
            "│ Gateway4       │ 192.168.0.1                 │\n"
            "│ Nameserver4    │ 192.168.0.1                 │\n"
            "│ DHCPv4 Start   │                             │\n"
            "│ DHCPv4 End     │                             │\n"
            "│ Bridge         │ br0                         │\n"
            "│ Used by        │ web                         │\n"
            "│ Version        │ 2                           │\n"
            "│ Created        │ 2026-11-25T10:00:00.000000Z │\n"
            "│ Modified       │ 2026-11-25T10:05:00.000000Z │\n"
            "╰────────────────┴─────────────────────────────╯\n");
  EXPECT_EQ(only_request().target, "/api/v1/networks/default_bridged_network");
}

TEST_F(network_verbs, get_addresses_by_id_or_encoded_name_and_prints_json) {
  server.answer("GET", "/api/v1/networks/1", 200, host_network());
  server.answer("GET", "/api/v1/networks/my%20net", 200, host_network());

  auto by_id = kaso({"network", "get", "--id", "1", "-o", "json"});
  auto by_name = kaso({"network", "get", "--name", "my net", "-o", "json"});

  EXPECT_EQ(by_id.code, 0);
  EXPECT_EQ(by_id.out, host_network().dump(2) + "\n");
  EXPECT_EQ(by_name.code, 0);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/api/v1/networks/1");
  EXPECT_EQ(requests[1].target, "/api/v1/networks/my%20net");
}

TEST_F(network_verbs, get_of_an_unknown_network_prints_the_server_message) {
  server.answer("GET", "/api/v1/networks/nope", 404,
                testing::api_error("not_found", "network 'nope' does not exist"));
  auto r = kaso({"network", "get", "nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: network 'nope' does not exist\n");
}

TEST_F(network_verbs, create_sends_the_name_kind_and_every_given_field) {
  server.answer("POST", "/api/v1/networks", 201, bridged_network());

  auto r = kaso({"network", "create", "-n", "default_bridged_network", "--kind", "bridged",
                 "--cidr", "192.168.0.0/24", "--dhcp-start", "192.168.0.100", "--dhcp-end",
                 "192.168.0.200", "--gateway", "192.168.0.1", "--nameserver", "192.168.0.1",
                 "--host-interface", "en0", "--host-ip4", "192.168.0.183", "--bridge", "br0"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Created network with id 3\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/networks");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.json(), (nlohmann::json{{"name", "default_bridged_network"},
                                            {"kind", "bridged"},
                                            {"cidr", "192.168.0.0/24"},
                                            {"dhcp_start", "192.168.0.100"},
                                            {"dhcp_end", "192.168.0.200"},
                                            {"gateway", "192.168.0.1"},
                                            {"nameserver", "192.168.0.1"},
                                            {"host_interface", "en0"},
                                            {"host_ip4", "192.168.0.183"},
                                            {"bridge", "br0"}}));
}

TEST_F(network_verbs, create_with_only_name_and_kind_prints_json) {
  server.answer("POST", "/api/v1/networks", 201, host_network());

  auto r = kaso({"network", "create", "-n", "lab", "-k", "host-only", "-o", "json"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, host_network().dump(2) + "\n");
  EXPECT_EQ(only_request().json(), (nlohmann::json{{"name", "lab"}, {"kind", "host-only"}}));
}

TEST_F(network_verbs, create_reports_the_server_error_message) {
  server.answer("POST", "/api/v1/networks", 409,
                testing::api_error("already_exists", "network 'lab' already exists"));
  auto r = kaso({"network", "create", "-n", "lab", "-k", "shared"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: network 'lab' already exists\n");
  EXPECT_EQ(only_request().target, "/api/v1/networks");
}

TEST_F(network_verbs, modify_patches_only_the_given_fields) {
  auto modified = host_network();
  modified["name"] = "lab";
  modified["dhcp_start"] = "172.16.4.100";
  server.answer("PATCH", "/api/v1/networks/default_host_network", 200, modified);

  auto r = kaso({"network", "modify", "default_host_network", "-n", "lab", "--dhcp-start",
                 "172.16.4.100", "--bridge", ""});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Modified network with id 1\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "PATCH");
  EXPECT_EQ(request.target, "/api/v1/networks/default_host_network");
  EXPECT_EQ(request.json(),
            (nlohmann::json{{"name", "lab"}, {"dhcp_start", "172.16.4.100"}, {"bridge", ""}}));
}

TEST_F(network_verbs, modify_by_id_prints_json) {
  server.answer("PATCH", "/api/v1/networks/3", 200, bridged_network());

  auto r = kaso({"network", "modify", "--id", "3", "--gateway", "192.168.0.254", "-o", "json"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, bridged_network().dump(2) + "\n");
  EXPECT_EQ(only_request().json(), (nlohmann::json{{"gateway", "192.168.0.254"}}));
}

TEST_F(network_verbs, remove_prints_the_removed_id) {
  server.answer("DELETE", "/api/v1/networks/lab", 200, {{"removed", host_network()}});

  auto r = kaso({"network", "remove", "--name", "lab"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Removed network with id 1\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "DELETE");
  EXPECT_EQ(request.target, "/api/v1/networks/lab");
}

TEST_F(network_verbs, remove_of_a_network_in_use_shows_the_server_message) {
  server.answer("DELETE", "/api/v1/networks/1", 409,
                testing::api_error("conflict", "network 'default_host_network' is used by vm1"));

  auto r = kaso({"network", "remove", "1", "-o", "json"});

  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: network 'default_host_network' is used by vm1\n");
}

class network_usage_errors : public ::testing::TestWithParam<usage_case> {};

TEST_P(network_usage_errors, exit_2_with_one_line) { testing::expect_usage_error(GetParam()); }

const std::string create_hint = " (see 'kaso network create -h')";
const std::string modify_hint = " (see 'kaso network modify -h')";

INSTANTIATE_TEST_SUITE_P(
    cli, network_usage_errors,
    ::testing::Values(
        usage_case{{"network", "create", "-k", "shared"},
                   "missing required option --name" + create_hint},
        usage_case{{"network", "create", "-n", "lab"},
                   "missing required option --kind" + create_hint},
        usage_case{{"network", "create", "-n", "lab", "-k", "host"},
                   "unknown kind 'host' (use host-only, shared or bridged)" + create_hint},
        usage_case{{"network", "create", "-n", "lab", "-k", "shared", "--cidr", "10.0.0.0"},
                   "--cidr must be an IPv4 network like 172.16.4.0/24, got '10.0.0.0'" +
                       create_hint},
        usage_case{{"network", "create", "-n", "lab", "-k", "shared", "--cidr", "10.0.0.0/33"},
                   "--cidr must be an IPv4 network like 172.16.4.0/24, got '10.0.0.0/33'" +
                       create_hint},
        usage_case{{"network", "create", "-n", "lab", "-k", "shared", "--gateway", "10.0.0"},
                   "--gateway must be an IPv4 address, got '10.0.0'" + create_hint},
        usage_case{{"network", "create", "-n", "lab", "-k", "shared", "--dhcp-end", "x"},
                   "--dhcp-end must be an IPv4 address, got 'x'" + create_hint},
        usage_case{{"network", "modify", "lab"},
                   "nothing to change: give -n, --cidr, --dhcp-start, --dhcp-end, --gateway, "
                   "--nameserver, --host-interface, --host-ip4 or --bridge" + modify_hint},
        usage_case{{"network", "modify", "lab", "-k", "shared"},
                   "option '-k' does not exist" + modify_hint},
        usage_case{{"network", "modify", "--id", "x", "-n", "y"},
                   "--id must be a number, got 'x'" + modify_hint},
        usage_case{{"network", "modify", "lab", "--nameserver", "1.2.3.4.5"},
                   "--nameserver must be an IPv4 address, got '1.2.3.4.5'" + modify_hint},
        usage_case{{"network", "get"},
                   "give one of REF, --id ID or --name NAME (see 'kaso network get -h')"},
        usage_case{{"network", "list", "-o", "yaml"},
                   "unknown output format 'yaml' (use table or json) (see 'kaso network list "
                   "-h')"},
        usage_case{{"network", "remove", "a", "--id", "1"},
                   "give only one of REF, --id ID and --name NAME (see 'kaso network remove "
                   "-h')"}),
    testing::usage_case_name);

}  // namespace
}  // namespace kaso::cli
