// The supervisor: commands reach the identity manager through it; a refused command appends
// nothing; a failed identity manager is restarted from the event log with nothing lost; shutdown
// stops every child so that the actor system ends.
#include "actors/supervisor.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "../../integration/eventually.hpp"
#include "actors/ask.hpp"
#include "crypto/password_hash.hpp"
#include "domain/rebuild.hpp"

namespace kaso::actors {
namespace {

struct supervision : ::testing::Test {
  std::filesystem::path dir;
  std::unique_ptr<events::event_store> store;
  void SetUp() override {
    char tmpl[] = "/tmp/kaso-actors-XXXXXX";
    dir = mkdtemp(tmpl);
    store = events::event_store::open(dir / "events", events::event_store::mode::read_write).value();
  }
  void TearDown() override {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  static domain::create_identity password_identity(std::string name) {
    domain::create_identity c;
    c.fields.name = std::move(name);
    c.fields.password_hash = crypto::hash_password("pw").value();
    return c;
  }
};

std::size_t listed(caf::actor_system& sys, const supervisor_actor& sup) {
  auto list = ask<json_text>(sys, sup, list_atom_v, identities_atom_v);
  EXPECT_TRUE(list.ok());
  return list.ok() ? nlohmann::json::parse(*list.value()).size() : 0;
}

TEST_F(supervision, commands_are_decided_appended_and_answered) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto sup = spawn_supervisor(sys, *store, {dir / "images", {}, images::cpu_arch::x86_64},
                              instance_settings{.instances_dir = dir / "instances", .predefine_networks = false}, {});
  events::cause who{1000, 42, "unix"};
  auto created = ask<json_text>(sys, sup, password_identity("alice"), who);
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  auto view = nlohmann::json::parse(*created.value());
  EXPECT_EQ(view["id"], 1u);
  EXPECT_NE(view["created"], "1970-01-01T00:00:00.000000Z") << "the reply reflects the durable event";
  auto refused = ask<json_text>(sys, sup, password_identity("alice"), who);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), errc::already_exists);
  EXPECT_EQ(store->last_seq(), 1u) << "a refused command appends nothing";
  std::vector<events::event> all;
  store->read(1, [&](const events::event& e) { all.push_back(e); return true; });
  EXPECT_EQ(all.at(0).caused_by, who);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_F(supervision, a_failed_child_is_restarted_from_the_log) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto sup = spawn_supervisor(sys, *store, {dir / "images", {}, images::cpu_arch::x86_64},
                              instance_settings{.instances_dir = dir / "instances", .predefine_networks = false}, {});
  for (auto name : {"a", "b", "c"}) {
    ASSERT_TRUE(ask<json_text>(sys, sup, password_identity(name), events::cause{}).ok());
  }
  caf::scoped_actor self{sys};
  self->send(sup, fail_atom_v, identities_atom_v);
  // The restarted manager knows all three, and goes on deciding against them.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  result<json_text> got = error::internal("not asked");
  while (std::chrono::steady_clock::now() < deadline) {
    got = ask<json_text>(sys, sup, get_atom_v, identities_atom_v, std::string("c"));
    if (got.ok()) break;
  }
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_EQ(listed(sys, sup), 3u);
  auto dup = ask<json_text>(sys, sup, password_identity("b"), events::cause{});
  EXPECT_EQ(dup.error().code(), errc::already_exists);
  ASSERT_TRUE(ask<json_text>(sys, sup, password_identity("d"), events::cause{}).ok());
  EXPECT_EQ(domain::rebuild(*store)->identities.by_id.size(), 4u);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_F(supervision, issue_18_each_child_is_reached_by_type_and_restarted_alone) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto sup = spawn_supervisor(sys, *store, {dir / "images", {}, images::cpu_arch::x86_64},
                              instance_settings{.instances_dir = dir / "instances", .predefine_networks = false}, {});
  ASSERT_TRUE(ask<json_text>(sys, sup, password_identity("a"), events::cause{}).ok());
  caf::scoped_actor self{sys};
  self->send(sup, fail_atom_v, images_atom_v);
  // The image manager comes back (its list answers again); the identity manager never went.
  ASSERT_TRUE(testing::eventually([&] { return ask<json_text>(sys, sup, list_atom_v, images_atom_v).ok(); },
                                  std::chrono::seconds(10)));
  EXPECT_EQ(*ask<json_text>(sys, sup, list_atom_v, images_atom_v).value(), "[]");
  EXPECT_EQ(*ask<json_text>(sys, sup, list_atom_v, tasks_atom_v).value(), "[]");
  EXPECT_EQ(listed(sys, sup), 1u);
  auto catalogue = ask<json_text>(sys, sup, get_atom_v, catalogue_atom_v, std::string("x86_64"));
  ASSERT_TRUE(catalogue.ok()) << catalogue.error().to_string();
  EXPECT_EQ(*catalogue.value(), "[]") << "an empty catalogue was configured";
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace kaso::actors
