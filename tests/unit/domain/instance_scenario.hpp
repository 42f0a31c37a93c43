// Given/when/then for the instance deciders and folds (machines = networks + instances), shared
// by the instance and restart tests.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "domain/instance.hpp"

namespace kaso::domain {
namespace {

struct scenario {
  machines state;
  std::uint64_t seq = 0;
  std::int64_t now_us = 0;  // the time of the events given from now on; 0: their seq
  void given(std::vector<events::event> evs) {
    for (auto& e : evs) {
      e.seq = ++seq;
      e.time_us = now_us != 0 ? now_us : static_cast<std::int64_t>(seq);
      evolve(state, e);
    }
  }
  template <class C>
  std::vector<events::event> when_ok(const C& c) {
    auto r = decide(state, c);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    if (!r.ok()) return {};
    given(r.value());
    return r.value();
  }
  template <class C>
  error when_refused(const C& c) {
    auto r = decide(state, c);
    EXPECT_FALSE(r.ok());
    return r.ok() ? error::internal("accepted") : r.error();
  }
  std::uint64_t next_id() const { return state.instances.next_id; }
};

scenario with_default_networks() {
  scenario s;
  s.when_ok(ensure_predefined_networks{});
  return s;
}

create_instance vm(const scenario& s, std::string name) {
  create_instance c;
  c.id = s.next_id();
  c.name = name;
  c.path = "/var/kaso/instances/" + name;
  c.vcpu = 2;
  c.ram_mb = 2048;
  c.disk_size = std::uint64_t{10} << 30;
  c.network_ref = "default_host_network";
  c.identity_ids = {1};
  c.mac = "52:54:00:00:00:" + std::to_string(10 + c.id);
  c.ssh_port = static_cast<std::uint16_t>(40000 + c.id);
  c.image = {1, "jammy", "/var/kaso/images/1.qcow2", "qcow2", std::uint64_t{2} << 30, {1, 512, 2048}};
  c.host = {4, 8192};
  return c;
}

std::vector<std::string> types(const std::vector<events::event>& evs) {
  std::vector<std::string> out;
  for (const auto& e : evs) out.push_back(e.type);
  return out;
}

}  // namespace
}  // namespace kaso::domain
