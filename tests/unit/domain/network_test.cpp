// Network decider and fold, given/when/then: given past events, when a command, then the events
// decided (or the error), and the state they fold into.
#include "domain/network.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace kaso::domain {
namespace {

// Stamps drafted events as the store would, and folds them.
struct scenario {
  networks state;
  std::uint64_t seq = 0;

  scenario& given(std::vector<events::event> evs) {
    for (auto& e : evs) {
      e.seq = ++seq;
      e.time_us = 1000 * static_cast<std::int64_t>(seq);
      evolve(state, e);
    }
    return *this;
  }
  template <class Command>
  std::vector<events::event> when_ok(const Command& c) {
    auto r = decide(state, c);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    if (!r.ok()) return {};
    given(r.value());
    return r.value();
  }
  // The refusal; also checks that the refused command left nothing behind.
  template <class Command>
  error when_refused(const Command& c) {
    networks before = state;
    auto r = decide(state, c);
    EXPECT_FALSE(r.ok()) << "accepted";
    EXPECT_EQ(state, before);
    return r.ok() ? error::internal("accepted") : r.error();
  }
};

create_network host_only(std::string name, std::string cidr = "10.1.0.0/24",
                         std::string start = "10.1.0.10", std::string end = "10.1.0.200") {
  create_network c;
  c.fields.name = std::move(name);
  c.fields.kind = "host-only";
  c.fields.cidr = std::move(cidr);
  c.fields.dhcp_start = std::move(start);
  c.fields.dhcp_end = std::move(end);
  return c;
}

create_network shared(std::string name, std::string cidr, std::string start, std::string end) {
  auto c = host_only(std::move(name), std::move(cidr), std::move(start), std::move(end));
  c.fields.kind = "shared";
  return c;
}

create_network bridged(std::string name) {
  create_network c;
  c.fields.name = std::move(name);
  c.fields.kind = "bridged";
  return c;
}

events::event instance_event(std::uint64_t id, std::string type, nlohmann::json payload) {
  events::event e;
  e.kind = "instance";
  e.id = std::to_string(id);
  e.type = std::move(type);
  e.payload = std::move(payload);
  return e;
}

std::vector<std::string> types(const std::vector<events::event>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs) out.push_back(e.type);
  return out;
}

bool mentions(const error& e, std::string_view text) {
  return e.message().find(text) != std::string::npos;
}

TEST(network, host_only_created_with_default_gateway_and_nameserver) {
  scenario s;
  auto evs = s.when_ok(host_only("lab"));
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, "network");
  EXPECT_EQ(evs[0].type, "network.created");
  EXPECT_EQ(evs[0].id, "1");
  EXPECT_EQ(evs[0].version, 1u);
  EXPECT_EQ(evs[0].schema, 1u);
  EXPECT_EQ(evs[0].payload,
            (nlohmann::json{{"name", "lab"}, {"kind", "host-only"}, {"cidr", "10.1.0.0/24"},
                            {"dhcp_start", "10.1.0.10"}, {"dhcp_end", "10.1.0.200"},
                            {"gateway", "10.1.0.1"}, {"nameserver", "10.1.0.2"},
                            {"host_interface", ""}, {"host_ip4", ""}, {"bridge", ""}}));
  const network* n = s.state.resolve("lab");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(s.state.resolve("1"), n);
  EXPECT_EQ(n->kind, network_kind::host_only);
  EXPECT_EQ(n->created_us, 1000);
  EXPECT_EQ(guest_service_address(*n).value(), "10.1.0.3");
  auto view = to_json(*n, s.state);
  EXPECT_EQ(view["kind"], "host-only");
  EXPECT_EQ(view["gateway"], "10.1.0.1");
  EXPECT_TRUE(view["bridge"].is_null());
  EXPECT_EQ(view["used_by"], nlohmann::json::array());
}

TEST(network, explicit_gateway_and_nameserver_are_kept) {
  scenario s;
  auto c = shared("nat", "192.168.50.0/24", "192.168.50.100", "192.168.50.199");
  c.fields.gateway = "192.168.50.254";
  c.fields.nameserver = "192.168.50.53";
  s.when_ok(c);
  const network* n = s.state.resolve("nat");
  EXPECT_EQ(n->kind, network_kind::shared);
  EXPECT_EQ(n->gateway, "192.168.50.254");
  EXPECT_EQ(n->nameserver, "192.168.50.53");
  EXPECT_EQ(guest_service_address(*n).value(), "192.168.50.1");
}

TEST(network, refuses_hostile_and_missing_names) {
  scenario s;
  for (const std::string& bad : std::vector<std::string>{"", "Lab", "../etc", "a b", "x\n", "-x",
                                                       "a;rm -rf", "a/b", "ä", std::string(64, 'a')}) {
    EXPECT_EQ(s.when_refused(host_only(bad)).code(), errc::invalid_argument) << bad;
  }
  create_network unnamed = host_only("x");
  unnamed.fields.name.reset();
  EXPECT_EQ(s.when_refused(unnamed).code(), errc::invalid_argument);
  EXPECT_TRUE(s.state.by_id.empty());
}

TEST(network, refuses_missing_or_unknown_kinds) {
  scenario s;
  auto c = host_only("x");
  c.fields.kind.reset();
  EXPECT_EQ(s.when_refused(c).code(), errc::invalid_argument);
  for (const char* bad : {"host_only", "HOST-ONLY", "nat", ""}) {
    c.fields.kind = bad;
    auto e = s.when_refused(c);
    EXPECT_EQ(e.code(), errc::invalid_argument);
    EXPECT_TRUE(mentions(e, "kind")) << e.message();
  }
}

// Each case breaks one field of an otherwise good host-only network; the refusal names the field.
struct bad_field {
  std::string name;
  std::function<void(network_fields&)> change;
  std::string mentioned;
};

TEST(network, refuses_malformed_addresses_naming_the_field) {
  std::vector<bad_field> cases = {
      {"cidr_leading_zero", [](auto& f) { f.cidr = "10.01.0.0/24"; }, "cidr"},
      {"cidr_host_bits", [](auto& f) { f.cidr = "10.1.0.1/24"; }, "10.1.0.0/24"},
      {"cidr_three_parts", [](auto& f) { f.cidr = "10.1.0/24"; }, "cidr"},
      {"cidr_no_prefix", [](auto& f) { f.cidr = "10.1.0.0"; }, "cidr"},
      {"cidr_too_small", [](auto& f) { f.cidr = "10.1.0.0/31"; }, "/30"},
      {"cidr_too_big", [](auto& f) { f.cidr = "10.0.0.0/7"; }, "/8"},
      {"cidr_missing", [](auto& f) { f.cidr.reset(); }, "cidr"},
      {"dhcp_leading_zero", [](auto& f) { f.dhcp_start = "10.1.0.010"; }, "dhcp_start"},
      {"dhcp_five_parts", [](auto& f) { f.dhcp_end = "10.1.0.200.1"; }, "dhcp_end"},
      {"dhcp_space", [](auto& f) { f.dhcp_start = " 10.1.0.10"; }, "dhcp_start"},
      {"dhcp_missing", [](auto& f) { f.dhcp_end.reset(); }, "dhcp_end"},
      {"dhcp_outside_cidr", [](auto& f) { f.dhcp_end = "10.1.1.20"; }, "outside the cidr"},
      {"dhcp_reversed", [](auto& f) { f.dhcp_start = "10.1.0.201"; }, "after dhcp_end"},
      {"dhcp_network_address", [](auto& f) { f.dhcp_start = "10.1.0.0"; }, "network address"},
      {"dhcp_broadcast", [](auto& f) { f.dhcp_end = "10.1.0.255"; }, "broadcast"},
      {"gateway_leading_zero", [](auto& f) { f.gateway = "10.1.0.01"; }, "gateway"},
      {"gateway_three_parts", [](auto& f) { f.gateway = "1.2.3"; }, "gateway"},
      {"gateway_in_dhcp_range", [](auto& f) { f.gateway = "10.1.0.50"; }, "DHCP range"},
      {"gateway_outside_cidr", [](auto& f) { f.gateway = "10.2.0.1"; }, "gateway"},
      {"gateway_broadcast", [](auto& f) { f.gateway = "10.1.0.255"; }, "broadcast"},
      {"default_gateway_in_range", [](auto& f) { f.dhcp_start = "10.1.0.1"; }, "gateway"},
      {"nameserver_outside_cidr", [](auto& f) { f.nameserver = "8.8.8.8"; }, "nameserver"},
      {"nameserver_in_range", [](auto& f) { f.nameserver = "10.1.0.10"; }, "nameserver"},
      {"nameserver_is_gateway", [](auto& f) { f.nameserver = "10.1.0.1"; }, "differ from the gateway"},
      {"host_interface_on_host_only", [](auto& f) { f.host_interface = "eth0"; }, "bridged"},
      {"bridge_on_host_only", [](auto& f) { f.bridge = "br0"; }, "bridged"},
  };
  for (const auto& c : cases) {
    scenario s;
    auto cmd = host_only("lab");
    c.change(cmd.fields);
    auto e = s.when_refused(cmd);
    EXPECT_EQ(e.code(), errc::invalid_argument) << c.name;
    EXPECT_TRUE(mentions(e, c.mentioned)) << c.name << ": " << e.message();
  }
}

TEST(network, refuses_a_network_without_room_for_the_guest_service) {
  scenario s;
  auto c = host_only("tiny", "10.9.0.0/29", "10.9.0.3", "10.9.0.6");
  c.fields.gateway = "10.9.0.1";
  c.fields.nameserver = "10.9.0.2";
  auto e = s.when_refused(c);
  EXPECT_EQ(e.code(), errc::invalid_argument);
  EXPECT_TRUE(mentions(e, "guest service")) << e.message();
  c.fields.dhcp_start = "10.9.0.4";
  s.when_ok(c);
  EXPECT_EQ(guest_service_address(*s.state.resolve("tiny")).value(), "10.9.0.3");
}

TEST(network, bridged_networks_take_informational_host_fields) {
  scenario s;
  auto c = bridged("lan");
  c.fields.cidr = "192.168.1.0/24";
  c.fields.gateway = "192.168.1.1";
  c.fields.nameserver = "1.1.1.1";
  c.fields.host_interface = "enp0s31f6";
  c.fields.host_ip4 = "192.168.1.23";
  c.fields.bridge = "br0";
  s.when_ok(c);
  const network* n = s.state.resolve("lan");
  EXPECT_EQ(n->kind, network_kind::bridged);
  EXPECT_EQ(n->bridge, "br0");
  EXPECT_EQ(n->host_interface, "enp0s31f6");
  EXPECT_EQ(guest_service_address(*n).error().code(), errc::invalid_argument);
  s.when_ok(bridged("bare"));
  EXPECT_EQ(s.state.resolve("bare")->cidr, "");
  EXPECT_EQ(s.state.resolve("bare")->gateway, "") << "no defaults for a bridged network";
}

TEST(network, bridged_refusals) {
  std::vector<bad_field> cases = {
      {"dhcp", [](auto& f) { f.dhcp_start = "192.168.1.10"; }, "DHCP"},
      {"bridge_injection", [](auto& f) { f.bridge = "br0,helper=/bin/sh"; }, "bridge"},
      {"bridge_too_long", [](auto& f) { f.bridge = "averyveryverylong"; }, "bridge"},
      {"bridge_newline", [](auto& f) { f.bridge = "br0\n"; }, "bridge"},
      {"interface_space", [](auto& f) { f.host_interface = "en 0"; }, "host_interface"},
      {"host_ip4_leading_zero", [](auto& f) { f.host_ip4 = "192.168.001.2"; }, "host_ip4"},
      {"nameserver_bad", [](auto& f) { f.nameserver = "1.1.1"; }, "nameserver"},
      {"cidr_host_bits", [](auto& f) { f.cidr = "192.168.1.7/24"; }, "192.168.1.0/24"},
  };
  for (const auto& c : cases) {
    scenario s;
    auto cmd = bridged("lan");
    c.change(cmd.fields);
    auto e = s.when_refused(cmd);
    EXPECT_EQ(e.code(), errc::invalid_argument) << c.name;
    EXPECT_TRUE(mentions(e, c.mentioned)) << c.name << ": " << e.message();
  }
}

TEST(network, host_only_and_shared_networks_may_not_overlap) {
  scenario s;
  s.when_ok(host_only("a", "172.16.4.0/24", "172.16.4.10", "172.16.4.254"));
  auto e = s.when_refused(shared("b", "172.16.0.0/16", "172.16.10.10", "172.16.10.254"));
  EXPECT_EQ(e.code(), errc::conflict);
  EXPECT_TRUE(mentions(e, "'a'")) << e.message();
  EXPECT_EQ(s.when_refused(host_only("c", "172.16.4.128/25", "172.16.4.130", "172.16.4.200")).code(),
            errc::conflict);
  auto lan = bridged("lan");
  lan.fields.cidr = "172.16.0.0/16";
  s.when_ok(lan);  // a bridged network's subnet is the host's, not ours
  s.when_ok(shared("d", "172.16.5.0/24", "172.16.5.10", "172.16.5.254"));
  modify_network m{"d", {}};
  m.changes.cidr = "172.16.4.0/24";
  m.changes.dhcp_start = "172.16.4.10";
  m.changes.dhcp_end = "172.16.4.254";
  m.changes.gateway = "172.16.4.1";
  m.changes.nameserver = "172.16.4.2";
  EXPECT_EQ(s.when_refused(m).code(), errc::conflict);
}

TEST(network, names_are_unique) {
  scenario s;
  s.when_ok(host_only("a"));
  EXPECT_EQ(s.when_refused(bridged("a")).code(), errc::already_exists);
  s.when_ok(bridged("b"));
  modify_network m{"b", {}};
  m.changes.name = "a";
  EXPECT_EQ(s.when_refused(m).code(), errc::already_exists);
}

TEST(network, modify_records_only_what_changes) {
  scenario s;
  s.when_ok(host_only("lab"));
  modify_network m{"lab", {}};
  m.changes.name = "lab2";
  m.changes.dhcp_end = "10.1.0.250";
  m.changes.dhcp_start = "10.1.0.10";  // unchanged
  m.changes.kind = "host-only";       // unchanged: allowed
  auto evs = s.when_ok(m);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, "network.modified");
  EXPECT_EQ(evs[0].version, 2u);
  EXPECT_EQ(evs[0].payload, (nlohmann::json{{"name", "lab2"}, {"dhcp_end", "10.1.0.250"}}));
  EXPECT_EQ(s.state.resolve("lab"), nullptr);
  ASSERT_NE(s.state.resolve("lab2"), nullptr);
  EXPECT_EQ(s.state.resolve("lab2")->dhcp_end, "10.1.0.250");
  EXPECT_EQ(s.state.resolve("lab2")->version, 2u);
  m.ref = "lab2";
  EXPECT_TRUE(s.when_ok(m).empty()) << "the same change again changes nothing";
  EXPECT_TRUE(s.when_ok(modify_network{"1", {}}).empty());
  EXPECT_EQ(s.when_refused(modify_network{"nope", {}}).code(), errc::not_found);
}

TEST(network, modify_revalidates_the_whole_network) {
  scenario s;
  s.when_ok(host_only("lab"));
  modify_network kind{"lab", {}};
  kind.changes.kind = "shared";
  EXPECT_EQ(s.when_refused(kind).code(), errc::invalid_argument);
  modify_network move{"lab", {}};
  move.changes.cidr = "10.2.0.0/24";
  auto e = s.when_refused(move);  // the DHCP range and gateway stayed in 10.1.0.0/24
  EXPECT_EQ(e.code(), errc::invalid_argument);
  EXPECT_TRUE(mentions(e, "dhcp_start")) << e.message();
  move.changes.dhcp_start = "10.2.0.10";
  move.changes.dhcp_end = "10.2.0.200";
  move.changes.gateway = "";  // empty: back to the defaults
  move.changes.nameserver = "";
  auto evs = s.when_ok(move);
  EXPECT_EQ(evs[0].payload["gateway"], "10.2.0.1");
  EXPECT_EQ(evs[0].payload["nameserver"], "10.2.0.2");
  modify_network into_range{"lab", {}};
  into_range.changes.gateway = "10.2.0.100";
  EXPECT_EQ(s.when_refused(into_range).code(), errc::invalid_argument);
}

TEST(network, used_by_follows_instance_events_and_blocks_removal) {
  scenario s;
  s.when_ok(host_only("lab"));
  s.when_ok(bridged("lan"));
  s.given({instance_event(7, "instance.created", {{"name", "web"}, {"network_id", 1}}),
           instance_event(8, "instance.created", {{"name", "db"}, {"network_id", 1}}),
           instance_event(9, "instance.created", {{"name", "other"}, {"network_id", 42}})});
  EXPECT_EQ(s.state.resolve("lab")->used_by, (std::set<std::uint64_t>{7, 8}));
  auto e = s.when_refused(remove_network{"lab"});
  EXPECT_EQ(e.code(), errc::conflict);
  EXPECT_TRUE(mentions(e, "web") && mentions(e, "db")) << e.message();
  s.given({instance_event(7, "instance.modified", {{"name", "www"}})});
  EXPECT_EQ(to_json(*s.state.resolve("lab"), s.state)["used_by"], nlohmann::json::array({"www", "db"}));
  EXPECT_EQ(to_json(*s.state.resolve("lab"))["used_by"], nlohmann::json::array({"7", "8"}));
  s.given({instance_event(8, "instance.modified", {{"network_id", 2}})});
  EXPECT_EQ(s.state.resolve("lab")->used_by, (std::set<std::uint64_t>{7}));
  EXPECT_EQ(s.state.resolve("lan")->used_by, (std::set<std::uint64_t>{8}));
  s.given({instance_event(7, "instance.removed", nlohmann::json::object())});
  EXPECT_TRUE(s.state.resolve("lab")->used_by.empty());
  EXPECT_FALSE(s.state.instance_names.contains(7));
  auto evs = s.when_ok(remove_network{"lab"});
  EXPECT_EQ(types(evs), std::vector<std::string>{"network.removed"});
  EXPECT_EQ(evs[0].payload, (nlohmann::json{{"name", "lab"}}));
  EXPECT_EQ(s.state.resolve("lab"), nullptr);
  EXPECT_EQ(s.when_refused(remove_network{"lab"}).code(), errc::not_found);
  EXPECT_EQ(s.when_ok(host_only("again"))[0].id, "3") << "ids are never reused";
}

host_network_defaults probed_defaults() {
  host_network_defaults d;
  d.bridged_interface = "eth0";
  d.bridged_ip4 = "192.168.1.23";
  d.bridged_cidr = "192.168.1.0/24";
  d.bridged_gateway = "192.168.1.1";
  d.bridged_nameserver = "192.168.1.1";
  d.bridge = "br0";
  return d;
}

TEST(network, predefined_networks_are_created_once) {
  scenario s;
  auto evs = s.when_ok(ensure_predefined_networks{probed_defaults()});
  ASSERT_EQ(types(evs), (std::vector<std::string>(3, "network.created")));
  EXPECT_EQ(evs[0].id, "1");
  EXPECT_EQ(evs[1].id, "2");
  EXPECT_EQ(evs[2].id, "3");
  const network* host = s.state.resolve(default_host_network);
  const network* nat = s.state.resolve(default_shared_network);
  const network* lan = s.state.resolve(default_bridged_network);
  ASSERT_TRUE(host && nat && lan);
  EXPECT_EQ(host->kind, network_kind::host_only);
  EXPECT_EQ(host->cidr, "172.16.4.0/24");
  EXPECT_EQ(host->gateway, "172.16.4.1");
  EXPECT_EQ(guest_service_address(*host).value(), "172.16.4.3");
  EXPECT_EQ(nat->kind, network_kind::shared);
  EXPECT_EQ(nat->dhcp_start, "172.16.5.10");
  EXPECT_EQ(lan->kind, network_kind::bridged);
  EXPECT_EQ(lan->host_interface, "eth0");
  EXPECT_EQ(lan->bridge, "br0");
  EXPECT_EQ(lan->nameserver, "192.168.1.1");
  EXPECT_TRUE(s.when_ok(ensure_predefined_networks{probed_defaults()}).empty());
  s.when_ok(remove_network{std::string(default_shared_network)});
  evs = s.when_ok(ensure_predefined_networks{probed_defaults()});
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].payload["name"], default_shared_network);
  EXPECT_EQ(evs[0].id, "4");
}

TEST(network, predefined_networks_without_a_probe_and_with_a_clash) {
  scenario s;
  s.when_ok(ensure_predefined_networks{});  // nothing probed: the bridged network is bare
  EXPECT_EQ(s.state.resolve(default_bridged_network)->host_interface, "");
  scenario clash;
  clash.when_ok(host_only("mine", "172.16.4.0/22", "172.16.4.10", "172.16.4.200"));
  auto e = clash.when_refused(ensure_predefined_networks{});
  EXPECT_EQ(e.code(), errc::conflict);
  EXPECT_TRUE(mentions(e, "default_host_network") && mentions(e, "mine")) << e.message();
}

TEST(network, evolve_ignores_what_does_not_fit) {
  scenario s;
  s.when_ok(host_only("lab"));
  networks before = s.state;
  std::vector<events::event> junk;
  auto add = [&](std::string kind, std::string id, std::string type, nlohmann::json payload) {
    events::event e;
    e.kind = std::move(kind);
    e.id = std::move(id);
    e.type = std::move(type);
    e.payload = std::move(payload);
    junk.push_back(std::move(e));
  };
  add("network", "1", "network.modified", nlohmann::json::array({1, 2}));
  add("network", "abc", "network.removed", nlohmann::json::object());
  add("network", "9", "network.modified", {{"name", "ghost"}});
  add("network", "1", "network.renamed", {{"name", "x"}});
  add("instance", "5", "instance.created", {{"name", 3}, {"network_id", "1"}});
  add("instance", "6", "instance.created", {{"name", "neg"}, {"network_id", -1}});
  add("identity", "1", "identity.removed", nlohmann::json::object());
  s.given(junk);
  EXPECT_EQ(s.state.by_id, before.by_id);
  EXPECT_EQ(s.state.id_by_name, before.id_by_name);
  add("network", "1", "network.modified", {{"name", 5}, {"kind", "bridged"}, {"gateway", "10.1.0.5"}});
  s.given({junk.back()});
  EXPECT_EQ(s.state.resolve("lab")->gateway, "10.1.0.5");
  EXPECT_EQ(s.state.resolve("lab")->kind, network_kind::host_only) << "a kind never changes";
}

TEST(network, kinds_round_trip_through_their_strings) {
  for (auto k : {network_kind::host_only, network_kind::shared, network_kind::bridged}) {
    EXPECT_EQ(parse_network_kind(to_string(k)), k);
  }
  EXPECT_EQ(to_string(network_kind::host_only), "host-only");
  EXPECT_EQ(parse_network_kind("bridge"), std::nullopt);
}

}  // namespace
}  // namespace kaso::domain
