// Identity decider and fold, given/when/then: given past events, when a command, then the events
// decided (or the error), and the state they fold into.
#include "domain/identity.hpp"

#include <gtest/gtest.h>

#include "crypto/password_hash.hpp"
#include "domain/event_types/instance.hpp"

namespace kaso::domain {
namespace {

const std::string key_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDFPX3xxdDp3iyX3SFEplJ3q2IpdCKZ9CG+TI9Ypk8jD me@host";
const std::string key_fingerprint = "SHA256:WRIaVB6iYyYt4YmaVzZNxz06a2Bk+0yzWBLqKSoO3E4";

// Stamps drafted events as the store would, and folds them.
struct scenario {
  identities state;
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
  template <class Command>
  error when_refused(const Command& c) {
    auto r = decide(state, c);
    EXPECT_FALSE(r.ok());
    return r.ok() ? error::internal("accepted") : r.error();
  }
};

create_identity key_identity(std::string name) {
  create_identity c;
  c.fields.name = std::move(name);
  c.fields.public_key = key_line;
  return c;
}

TEST(identity, created_with_a_key_records_its_fingerprint) {
  scenario s;
  auto evs = s.when_ok(key_identity("mrmat"));
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, "identity.created");
  EXPECT_EQ(evs[0].id, "1");
  EXPECT_EQ(evs[0].version, 1u);
  EXPECT_EQ(evs[0].payload["fingerprint"], key_fingerprint);
  const auto* i = s.state.resolve("mrmat");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->kind, identity_kind::pubkey);
  EXPECT_EQ(i->key_type, "ssh-ed25519");
  EXPECT_EQ(i->public_key, key_line);
  EXPECT_EQ(s.state.resolve("1"), i);
}

TEST(identity, created_with_a_password_keeps_only_the_hash) {
  scenario s;
  auto hash = crypto::hash_password("s3cret!").value();
  create_identity c;
  c.fields.name = "debug";
  c.fields.password_hash = hash;
  auto evs = s.when_ok(c);
  EXPECT_EQ(evs[0].payload["password_hash"], hash);
  EXPECT_EQ(evs[0].payload.dump().find("s3cret"), std::string::npos);
  auto view = to_json(*s.state.resolve("debug"));
  EXPECT_EQ(view["password_set"], true);
  EXPECT_FALSE(view.contains("password_hash"));
  EXPECT_EQ(view.dump().find("$6$"), std::string::npos);
}

TEST(identity, refuses_duplicates_bad_keys_and_missing_credentials) {
  scenario s;
  s.when_ok(key_identity("mrmat"));
  EXPECT_EQ(s.when_refused(key_identity("mrmat")).code(), errc::already_exists);
  auto bad = key_identity("other");
  bad.fields.public_key = "ssh-ed25519 AAAA not-a-key";
  EXPECT_EQ(s.when_refused(bad).code(), errc::invalid_argument);
  create_identity none;
  none.fields.name = "nokey";
  EXPECT_EQ(s.when_refused(none).code(), errc::invalid_argument);
}

TEST(identity, refuses_cloud_init_injection_in_every_text_field) {
  scenario s;
  for (auto [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"gecos", "x\n#cloud-config"}, {"gecos", "a:b"}, {"homedir", "relative"},
           {"homedir", "/home/../etc"}, {"homedir", "/home/a b"}, {"shell", "/bin/sh\nruncmd: [x]"},
           {"shell", "/bin/{sh}"}}) {
    auto c = key_identity("victim");
    if (field == "gecos") c.fields.gecos = value;
    if (field == "homedir") c.fields.homedir = value;
    if (field == "shell") c.fields.shell = value;
    EXPECT_EQ(s.when_refused(c).code(), errc::invalid_argument) << field << "=" << value;
  }
  auto comment = key_identity("victim");
  comment.fields.public_key = key_line + "\n#cloud-config";
  EXPECT_EQ(s.when_refused(comment).code(), errc::invalid_argument);
  EXPECT_TRUE(s.state.by_id.empty()) << "a refused command changes nothing";
}

TEST(identity, modify_records_only_what_changes_and_renames) {
  scenario s;
  s.when_ok(key_identity("mrmat"));
  modify_identity m{"mrmat", {}};
  m.changes.name = "mat";
  m.changes.gecos = "Mat";
  m.changes.shell = "";  // unchanged
  auto evs = s.when_ok(m);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].type, "identity.modified");
  EXPECT_EQ(evs[0].version, 2u);
  EXPECT_EQ(evs[0].payload, (nlohmann::json{{"name", "mat"}, {"gecos", "Mat"}}));
  EXPECT_EQ(s.state.resolve("mrmat"), nullptr);
  ASSERT_NE(s.state.resolve("mat"), nullptr);
  EXPECT_EQ(s.state.resolve("mat")->version, 2u);
  EXPECT_TRUE(s.when_ok(modify_identity{"mat", {}}).empty()) << "no change, no event";
}

TEST(identity, switching_from_key_to_password_clears_the_key) {
  scenario s;
  s.when_ok(key_identity("mrmat"));
  modify_identity m{"1", {}};
  m.changes.password_hash = crypto::hash_password("pw").value();
  s.when_ok(m);
  const auto* i = s.state.resolve("mrmat");
  EXPECT_EQ(i->kind, identity_kind::password);
  EXPECT_TRUE(i->public_key.empty());
  EXPECT_TRUE(i->fingerprint.empty());
}

TEST(identity, rename_onto_another_name_is_refused) {
  scenario s;
  s.when_ok(key_identity("a"));
  s.when_ok(key_identity("b"));
  modify_identity m{"a", {}};
  m.changes.name = "b";
  EXPECT_EQ(s.when_refused(m).code(), errc::already_exists);
}

TEST(identity, removed_identities_free_their_name_but_never_their_id) {
  scenario s;
  s.when_ok(key_identity("a"));
  auto evs = s.when_ok(remove_identity{"a"});
  EXPECT_EQ(evs[0].type, "identity.removed");
  EXPECT_TRUE(s.state.by_id.empty());
  auto again = s.when_ok(key_identity("a"));
  EXPECT_EQ(again[0].id, "2");
  EXPECT_EQ(s.when_refused(remove_identity{"nope"}).code(), errc::not_found);
}

// Issue #16: an identity an instance was created with is not removed while the instance exists
// (it would dangle in the instance); the refusal names the instances, and their removal frees it.
TEST(identity, issue_16_an_identity_in_use_is_not_removed) {
  scenario s;
  s.when_ok(key_identity("a"));  // id 1
  s.when_ok(key_identity("b"));  // id 2
  instance_created vm;
  vm.name = "vm1";
  vm.identity_ids = {1};
  s.given({make_event(vm, 7, 1)});
  EXPECT_EQ(s.state.find(1)->used_by, std::set<std::uint64_t>{7});
  auto refused = s.when_refused(remove_identity{"a"});
  EXPECT_EQ(refused.code(), errc::conflict);
  EXPECT_NE(refused.message().find("used by instances: vm1"), std::string::npos) << refused.message();
  EXPECT_EQ(to_json(*s.state.find(1), s.state)["used_by"], nlohmann::json::array({"vm1"}));
  s.when_ok(remove_identity{"b"});  // unused: removed
  s.given({make_event(instance_removed{"vm1"}, 7, 2)});
  EXPECT_TRUE(s.state.find(1)->used_by.empty());
  s.when_ok(remove_identity{"a"});
  EXPECT_TRUE(s.state.by_id.empty());
}

TEST(identity, names_are_resolved_before_ids) {
  scenario s;
  s.when_ok(key_identity("x"));   // id 1
  s.when_ok(key_identity("1"));   // id 2, named "1"
  EXPECT_EQ(s.state.resolve("1")->id, 2u);
  EXPECT_EQ(s.state.resolve("2")->id, 2u);
}

TEST(identity, evolve_ignores_events_that_do_not_fit) {
  identities st;
  events::event odd;
  odd.kind = "identity";
  odd.id = "not-a-number";
  odd.type = "identity.created";
  evolve(st, odd);
  odd.id = "9";
  odd.type = "identity.modified";  // of an identity that never existed
  evolve(st, odd);
  odd.type = "identity.teleported";
  evolve(st, odd);
  EXPECT_TRUE(st.by_id.empty());
}

TEST(identity, issue_15_redact_secrets_hides_the_hash_and_nothing_else) {
  events::event e;
  e.kind = "identity";
  e.type = "identity.created";
  e.payload = {{"name", "bob"}, {"password_hash", "$6$salt$hash"}};
  redact_secrets(e);
  EXPECT_EQ(e.payload, (nlohmann::json{{"name", "bob"}, {"password_hash", "(redacted)"}}));
  events::event other = e;
  other.kind = "instance";
  other.payload = {{"password_hash", "not a secret of ours"}};
  auto before = other;
  redact_secrets(other);
  EXPECT_EQ(other, before);
  events::event odd = e;
  odd.payload = nlohmann::json::array();
  redact_secrets(odd);
  EXPECT_EQ(odd.payload, nlohmann::json::array());
}

}  // namespace
}  // namespace kaso::domain
