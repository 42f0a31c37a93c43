// The verbs against a fake kaso-server on a Unix socket: the exact request each one sends and the
// exact text it prints.
#include <gtest/gtest.h>

#include "verb_fixture.hpp"

namespace kaso::cli {
namespace {

using testing::write_file;

const std::string key_text =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW9rZXlkZW1va2V5ZGVtb2tleWRlbW9rZXkx mrmat@host";

nlohmann::json pubkey_identity() {
  return {{"id", 1},
          {"name", "mrmat"},
          {"kind", "pubkey"},
          {"public_key", key_text},
          {"key_type", "ssh-ed25519"},
          {"fingerprint", "SHA256:uZtW1dvZ3U3bf3dbLmwPIhDAxVLH3+Yb6w2Zk9zNC3k"},
          {"password_set", false},
          {"gecos", ""},
          {"homedir", ""},
          {"shell", ""},
          {"version", 1},
          {"created", "2026-11-25T12:00:00.000000Z"},
          {"modified", "2026-11-25T12:00:00.000000Z"}};
}

nlohmann::json password_identity() {
  auto i = pubkey_identity();
  i["id"] = 2;
  i["name"] = "debug";
  i["kind"] = "password";
  i["public_key"] = nullptr;
  i["key_type"] = nullptr;
  i["fingerprint"] = nullptr;
  i["password_set"] = true;
  return i;
}

class verbs : public testing::verb_fixture {};

TEST_F(verbs, identity_create_sends_the_key_file_text_and_the_name) {
  server.answer("POST", "/api/v1/identities", 201, pubkey_identity());
  auto key = write_file(server.dir() / "id_ed25519.pub", key_text + "\n");

  auto r = kaso({"identity", "create", "-n", "mrmat", "--public-key", key.string()});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "Created identity with id 1\n");
  EXPECT_EQ(r.err, "");
  auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/identities");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.header("Authorization"), "");  // no token over the Unix socket
  EXPECT_EQ(request.json(), (nlohmann::json{{"name", "mrmat"}, {"public_key", key_text}}));
}

TEST_F(verbs, identity_create_with_password_and_fields_prints_json) {
  server.answer("POST", "/api/v1/identities", 201, password_identity());

  auto r = kaso({"identity", "create", "-n", "debug", "--password", "s3cret", "-k", "password",
                 "--gecos", "Debug User", "--homedir", "/home/debug", "--shell", "/bin/sh", "-o",
                 "json"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, password_identity().dump(2) + "\n");
  EXPECT_EQ(only_request().json(), (nlohmann::json{{"name", "debug"},
                                                   {"password", "s3cret"},
                                                   {"gecos", "Debug User"},
                                                   {"homedir", "/home/debug"},
                                                   {"shell", "/bin/sh"}}));
}

TEST_F(verbs, identity_create_refuses_a_private_key_without_sending_it) {
  auto key = write_file(server.dir() / "id_ed25519",
                        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE "
                        "KEY-----\n");

  auto r = kaso({"identity", "create", "-n", "mrmat", "--public-key", key.string()});

  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: " + key.string() +
                       " holds a private key: give the public key (the .pub file)\n");
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(verbs, identity_create_with_a_missing_key_file_fails_before_sending) {
  auto missing = server.dir() / "absent.pub";
  auto r = kaso({"identity", "create", "-n", "mrmat", "--public-key", missing.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: cannot read the public key file " + missing.string() +
                       ": No such file or directory\n");
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(verbs, identity_create_reports_the_server_error_message) {
  server.answer("POST", "/api/v1/identities", 409,
                testing::api_error("already_exists", "identity 'mrmat' already exists"));
  auto r = kaso({"identity", "create", "-n", "mrmat", "--password", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: identity 'mrmat' already exists\n");
}

TEST_F(verbs, identity_list_prints_a_table) {
  server.answer("GET", "/api/v1/identities", 200,
                nlohmann::json::array({pubkey_identity(), password_identity()}));

  auto r = kaso({"identity", "list"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭────┬───────┬──────────┬────────────────────────────────────────────────────╮\n"
            "│ ID │ Name  │ Kind     │ Fingerprint                                        │\n"
            "├────┼───────┼──────────┼────────────────────────────────────────────────────┤\n"
            "│ 1  │ mrmat │ pubkey   │ SHA256:uZtW1dvZ3U3bf3dbLmwPIhDAxVLH3+Yb6w2Zk9zNC3k │\n"
            "│ 2  │ debug │ password │                                                    │\n"
            "╰────┴───────┴──────────┴────────────────────────────────────────────────────╯\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/api/v1/identities");
  EXPECT_EQ(request.body, "");
}

TEST_F(verbs, identity_list_prints_exactly_the_api_json) {
  auto answer = nlohmann::json::array({pubkey_identity()});
  server.answer("GET", "/api/v1/identities", 200, answer);
  auto r = kaso({"identity", "list", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, answer.dump(2) + "\n");
  EXPECT_EQ(nlohmann::json::parse(r.out), answer);
}

TEST_F(verbs, identity_get_prints_the_field_view_with_a_wrapped_key) {
  server.answer("GET", "/api/v1/identities/mrmat", 200, pubkey_identity());

  auto r = kaso({"identity", "get", "mrmat"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭────────────────┬────────────────────────────────────────────────────────────╮\n"
            "│ Field          │ Value                                                      │\n"
            "├────────────────┼────────────────────────────────────────────────────────────┤\n"
            "│ Id             │ 1                                                          │\n"
            "│ Name           │ mrmat                                                      │\n"
            "│ Kind           │ pubkey                                                     │\n"
            "│ Key type       │ ssh-ed25519                                                │\n"
            "│ Fingerprint    │ SHA256:uZtW1dvZ3U3bf3dbLmwPIhDAxVLH3+Yb6w2Zk9zNC3k         │\n"
            "│ Public Key     │ ssh-ed25519                                                │\n"
            "│                │ AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW9rZXlkZW1va2V5ZGVtb2tleWRlbW │\n"
            "│                │ 9rZXkx mrmat@host                                          │\n"
            "│ Password       │ not set                                                    │\n"
            "│ GECOS          │                                                            │\n"
            "│ Home Directory │                                                            │\n"
            "│ Shell          │                                                            │\n"
            "│ Used by        │                                                            │\n"
            "│ Version        │ 1                                                          │\n"
            "│ Created        │ 2026-11-25T12:00:00.000000Z                                │\n"
            "│ Modified       │ 2026-11-25T12:00:00.000000Z                                │\n"
            "╰────────────────┴────────────────────────────────────────────────────────────╯\n");
  EXPECT_EQ(only_request().target, "/api/v1/identities/mrmat");
}

TEST_F(verbs, identity_get_addresses_by_id_or_encoded_name) {
  server.answer("GET", "/api/v1/identities/1", 200, pubkey_identity());
  server.answer("GET", "/api/v1/identities/a%20b%2Fc", 200, pubkey_identity());

  EXPECT_EQ(kaso({"identity", "get", "--id", "1", "-o", "json"}).code, 0);
  EXPECT_EQ(kaso({"identity", "get", "--name", "a b/c", "-o", "json"}).code, 0);

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/api/v1/identities/1");
  EXPECT_EQ(requests[1].target, "/api/v1/identities/a%20b%2Fc");
}

TEST_F(verbs, identity_get_of_an_unknown_identity_prints_the_server_message) {
  server.answer("GET", "/api/v1/identities/x", 404,
                testing::api_error("not_found", "identity 'x' does not exist"));
  auto r = kaso({"identity", "get", "x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: identity 'x' does not exist\n");
}

TEST_F(verbs, identity_modify_sends_only_the_given_fields) {
  auto modified = pubkey_identity();
  modified["name"] = "matt";
  server.answer("PATCH", "/api/v1/identities/mrmat", 200, modified);
  auto key = write_file(server.dir() / "new.pub", key_text + "\r\n");

  auto r = kaso({"identity", "modify", "--name", "mrmat", "-n", "matt", "--public-key",
                 key.string(), "--shell", "/bin/zsh"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Modified identity with id 1\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "PATCH");
  EXPECT_EQ(request.target, "/api/v1/identities/mrmat");
  EXPECT_EQ(request.json(),
            (nlohmann::json{{"name", "matt"}, {"public_key", key_text}, {"shell", "/bin/zsh"}}));
}

TEST_F(verbs, identity_remove_prints_the_removed_id) {
  server.answer("DELETE", "/api/v1/identities/2", 200, {{"removed", password_identity()}});

  auto r = kaso({"identity", "remove", "--id", "2"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Removed identity with id 2\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "DELETE");
  EXPECT_EQ(request.target, "/api/v1/identities/2");
}

TEST_F(verbs, events_list_sends_the_filters_and_prints_a_table) {
  nlohmann::json events = nlohmann::json::array(
      {{{"seq", 3},
        {"time", "2026-11-25T12:00:00.000000Z"},
        {"time_us", 1795608000000000},
        {"kind", "identity"},
        {"id", "1"},
        {"version", 1},
        {"type", "identity.created"},
        {"schema", 1},
        {"payload", {{"name", "mrmat"}}},
        {"cause", {{"uid", 1000}, {"pid", 1234}, {"origin", "unix"}}}},
       {{"seq", 4},
        {"time", "2026-11-25T12:01:00.000000Z"},
        {"time_us", 1795608060000000},
        {"kind", "identity"},
        {"id", "1"},
        {"version", 2},
        {"type", "identity.removed"},
        {"schema", 1},
        {"payload", nlohmann::json::object()}}});
  server.answer("GET", "/api/v1/events?since=2&kind=identity&id=1&limit=10", 200, events);

  auto r = kaso({"events", "list", "--since", "2", "--kind", "identity", "--id", "1", "--limit",
                 "10"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭─────┬─────────────────────────────┬──────────┬────┬──────────────────┬"
                "─────────────────╮\n"
            "│ Seq │ Time                        │ Kind     │ Id │"
                " Type             │ Cause (uid/pid) │\n"
            "├─────┼─────────────────────────────┼──────────┼────┼──────────────────┼"
                "─────────────────┤\n"
            "│ 3   │ 2026-11-25T12:00:00.000000Z │ identity │ 1  │"
                " identity.created │ 1000/1234       │\n"
            "│ 4   │ 2026-11-25T12:01:00.000000Z │ identity │ 1  │"
                " identity.removed │                 │\n"
            "╰─────┴─────────────────────────────┴──────────┴────┴──────────────────┴"
                "─────────────────╯\n");
  EXPECT_EQ(only_request().target, "/api/v1/events?since=2&kind=identity&id=1&limit=10");
}

// Issue #16: events list takes a time for --since, as events tail does.
TEST_F(verbs, issue_16_events_list_since_takes_a_time) {
  server.answer("GET", "/api/v1/events?since=2026-11-30T12%3A00%3A00Z", 200, nlohmann::json::array());
  auto r = kaso({"events", "list", "--since", "2026-11-30T12:00:00Z", "-o", "json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "[]\n");
}

TEST_F(verbs, events_list_without_filters) {
  server.answer("GET", "/api/v1/events", 200, nlohmann::json::array());
  auto r = kaso({"events", "list", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "[]\n");
  EXPECT_EQ(only_request().target, "/api/v1/events");
}

TEST_F(verbs, server_info_prints_a_field_view) {
  server.answer("GET", "/api/v1/server", 200,
                {{"version", "0.1.0"},
                 {"effective_user", "root"},
                 {"owning_user", "mrmat"},
                 {"path", "/home/mrmat/var/kaso"},
                 {"pid", 4321},
                 {"accelerator", "tcg"},
                 {"accelerator_reason", "/dev/kvm cannot be opened"},
                 {"qemu", {{"binary", "/usr/bin/qemu-system-x86_64"}, {"version", "QEMU emulator version 7.2"}}},
                 {"paths",
                  {{"socket", "/v/kaso.sock"}, {"events", "/v/events"}, {"images", "/v/images"}, {"instances", "/v/instances"}}}});

  auto r = kaso({"server", "info"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  const std::string address = server.address();
  const std::size_t width = std::max<std::size_t>(address.size(), 27);
  auto row = [&](const std::string& field, const std::string& value) {
    return "│ " + field + std::string(18 - field.size(), ' ') + " │ " + value +
           std::string(width - value.size(), ' ') + " │\n";
  };
  std::string dashes;
  for (std::size_t i = 0; i < width + 2; ++i) dashes += "─";
  const std::string field_dashes = "────────────────────";
  EXPECT_EQ(r.out, "╭" + field_dashes + "┬" + dashes + "╮\n" + row("Field", "Value") +
                       "├" + field_dashes + "┼" + dashes + "┤\n" + row("Server", address) +
                       row("Version", "0.1.0") + row("Effective User", "root") +
                       row("Owning User", "mrmat") + row("Path", "/home/mrmat/var/kaso") +
                       row("PID", "4321") + row("Accelerator", "tcg") +
                       row("Accelerator Reason", "/dev/kvm cannot be opened") +
                       row("Qemu", "/usr/bin/qemu-system-x86_64") + row("Qemu Version", "QEMU emulator version 7.2") +
                       row("Socket", "/v/kaso.sock") + row("Event Log", "/v/events") + row("Images", "/v/images") +
                       row("Instances", "/v/instances") + "╰" + field_dashes + "┴" + dashes + "╯\n");
  EXPECT_EQ(only_request().target, "/api/v1/server");
}

TEST_F(verbs, an_answer_that_is_not_json_is_one_line) {
  server.answer_text("GET", "/api/v1/identities", 500, "<html>oops</html>");
  auto r = kaso({"identity", "list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: kaso-server answered HTTP 500\n");
}

}  // namespace
}  // namespace kaso::cli
