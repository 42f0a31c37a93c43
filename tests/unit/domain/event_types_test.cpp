// Issue #18, events as types: every event type's struct encodes to the payload the deciders wrote
// before the structs existed (golden strings recorded from the old deciders' events in this
// suite), decodes back to itself, and decodes old and damaged payloads as codec.hpp says.
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "event_samples.hpp"

namespace kaso::domain {
namespace {

using nlohmann::json;
using testing::for_each_sample;

TEST(event_types, issue_18_every_type_encodes_to_the_bytes_the_old_deciders_wrote) {
  std::set<std::string_view> types;
  for_each_sample([&](const auto& g) {
    using T = std::remove_cvref_t<decltype(g.sample)>;
    types.insert(T::type);
    EXPECT_EQ(encode(g.sample).dump(), g.payload) << T::type;
    // The stored bytes are MessagePack of the payload: the same JSON gives the same bytes.
    EXPECT_EQ(json::to_msgpack(encode(g.sample)), json::to_msgpack(json::parse(g.payload))) << T::type;
  });
  EXPECT_EQ(types.size(), 36u) << "a sample of every event type";
}

TEST(event_types, issue_18_every_type_decodes_to_what_was_encoded) {
  for_each_sample([&](const auto& g) {
    using T = std::remove_cvref_t<decltype(g.sample)>;
    auto e = make_event(g.sample, 7, 3);
    EXPECT_EQ(e.type, T::type);
    EXPECT_EQ(e.kind, kind_of(T::type));
    EXPECT_EQ(e.id, "7");
    EXPECT_EQ(e.version, 3u);
    auto back = decode<T>(e);
    ASSERT_TRUE(back.ok()) << T::type << ": " << back.error().message();
    EXPECT_EQ(back->event, g.sample) << T::type;
    EXPECT_TRUE(back->defaulted.empty()) << T::type;
    // From the stored payload too (what a log gives back: unsigned where the JSON had signed).
    e.payload = json::from_msgpack(json::to_msgpack(json::parse(g.payload)));
    auto stored = decode<T>(e);
    ASSERT_TRUE(stored.ok()) << T::type;
    EXPECT_EQ(stored->event, g.sample) << T::type;
  });
}

TEST(event_types, issue_18_old_logs_lacking_later_members_decode_with_the_old_defaults) {
  // instance.created before restart policies, user data and mounts; instance.crashed before its
  // reason; identity.created before gecos, homedir and shell; task.started before checksums.
  events::event created = make_event(instance_created{}, 1, 1);
  created.payload = {{"name", "old"}, {"image_id", 1}, {"network_id", 1}, {"vcpu", 2}, {"ram", 2048}};
  auto c = decode<instance_created>(created);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->defaulted.empty()) << "missing is no mistake";
  EXPECT_EQ(c->event.restart_limit, restart_policy{}.max_restarts);
  EXPECT_EQ(c->event.restart_backoff_max_ms, restart_policy{}.backoff_max_ms);
  EXPECT_EQ(c->event.display, "headless");
  EXPECT_FALSE(c->event.mounts);
  EXPECT_FALSE(c->event.user_data);

  events::event crashed = make_event(instance_crashed{}, 1, 2);
  crashed.payload = {{"exit_code", 1}, {"signal", 0}};
  auto r = decode<instance_crashed>(crashed);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->event.exit_code, 1);
  EXPECT_FALSE(r->event.reason);

  events::event identity = make_event(identity_created{}, 1, 1);
  identity.payload = {{"name", "bob"}, {"kind", "password"}, {"password_hash", "$6$salt$hash"}};
  auto i = decode<identity_created>(identity);
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->event.name, "bob");
  EXPECT_EQ(i->event.shell, "");

  events::event task = make_event(task_started{}, 1, 1);
  task.payload = {{"kind", "image.download"}, {"image_name", "x"}, {"image_id", 4},
                  {"source", {{"kind", "url"}, {"url", "https://example.test/x"}}}};
  auto t = decode<task_started>(task);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->event.source.url, "https://example.test/x");
  EXPECT_EQ(t->event.source.file, "");
  EXPECT_EQ(t->event.sha256, "");
}

TEST(event_types, issue_18_decode_reports_instead_of_throwing) {
  auto e = make_event(instance_restart_scheduled{500, 1}, 1, 2);
  for (const json& not_object : {json(), json(1), json("x"), json::array({1})}) {
    auto broken = e;
    broken.payload = not_object;
    EXPECT_FALSE(decode<instance_restart_scheduled>(broken).ok()) << not_object.dump();
  }
  auto newer = e;
  newer.schema = 2;
  EXPECT_FALSE(decode<instance_restart_scheduled>(newer).ok()) << "another schema is not guessed at";
  EXPECT_FALSE(decode<instance_started>(e).ok()) << "another type";

  auto mistyped = e;
  mistyped.payload["delay_ms"] = "soon";
  mistyped.payload["attempt"] = -3;  // out of range for unsigned
  auto d = decode<instance_restart_scheduled>(mistyped);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->event.delay_ms, 0u);
  EXPECT_FALSE(d->event.attempt);
  EXPECT_EQ(d->defaulted, (std::vector<std::string>{"delay_ms", "attempt"}));

  // A required member makes the payload unusable; an element of a list is dropped alone.
  auto host = make_event(host_accelerator_chosen{"kvm", "", "auto", std::nullopt}, "local", 1);
  host.payload["accelerator"] = 5;
  EXPECT_FALSE(decode<host_accelerator_chosen>(host).ok());
  auto phoned = make_event(instance_phoned_home{"vm", {{"a", "b"}}, ""}, 1, 2);
  phoned.payload["host_keys"]["c"] = 7;
  auto p = decode<instance_phoned_home>(phoned);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->event.host_keys, (std::map<std::string, std::string>{{"a", "b"}}));
  EXPECT_EQ(p->defaulted, (std::vector<std::string>{"host_keys.c"}));
}

}  // namespace
}  // namespace kaso::domain
