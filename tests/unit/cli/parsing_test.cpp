// Command-line errors: each is exit 2, one line `kaso: ...` on stderr, nothing on stdout, and no
// connection attempt (the server given does not exist). Also help for every registered verb.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "cli/registry.hpp"
#include "run_kaso.hpp"
#include "usage_case.hpp"

namespace kaso::cli {
namespace {

using testing::outcome;
using testing::run_kaso;
using testing::run_offline;
using testing::usage_case;

class usage_errors : public ::testing::TestWithParam<usage_case> {};

TEST_P(usage_errors, exit_2_with_one_line) { testing::expect_usage_error(GetParam()); }

const std::string create_hint = " (see 'kaso identity create -h')";
const std::string get_hint = " (see 'kaso identity get -h')";

INSTANTIATE_TEST_SUITE_P(
    cli, usage_errors,
    ::testing::Values(
        usage_case{{}, "missing command group (see 'kaso -h')"},
        usage_case{{"nope", "list"}, "unknown command group 'nope' (see 'kaso -h')"},
        usage_case{{"identity"}, "missing verb for 'identity' (see 'kaso identity -h')"},
        usage_case{{"identity", "nope"},
                   "unknown verb 'nope' for 'identity' (see 'kaso identity -h')"},
        usage_case{{"identity", "create"}, "missing required option --name" + create_hint},
        usage_case{{"identity", "create", "-n", "x"},
                   "give one of --public-key PATH or --password PASSWD" + create_hint},
        usage_case{{"identity", "create", "-n", "x", "--public-key", "k", "--password", "p"},
                   "give either --public-key or --password, not both" + create_hint},
        usage_case{{"identity", "create", "-n", "x", "--password", "p", "-k", "pubkey"},
                   "--kind pubkey needs --public-key PATH" + create_hint},
        usage_case{{"identity", "create", "-n", "x", "--public-key", "k", "-k", "password"},
                   "--kind password needs --password PASSWD" + create_hint},
        usage_case{{"identity", "create", "-n", "x", "--public-key", "k", "--bogus"},
                   "option '--bogus' does not exist" + create_hint},
        usage_case{{"identity", "create", "-n"},
                   "option '-n' is missing an argument" + create_hint},
        usage_case{{"identity", "get"}, "give one of REF, --id ID or --name NAME" + get_hint},
        usage_case{{"identity", "get", "a", "--id", "1"},
                   "give only one of REF, --id ID and --name NAME" + get_hint},
        usage_case{{"identity", "get", "--id", "1", "--name", "a"},
                   "give only one of REF, --id ID and --name NAME" + get_hint},
        usage_case{{"identity", "get", "--id", "abc"},
                   "--id must be a number, got 'abc'" + get_hint},
        usage_case{{"identity", "get", "a", "b"}, "unexpected argument 'b'" + get_hint},
        usage_case{{"identity", "list", "-o", "yaml"},
                   "unknown output format 'yaml' (use table or json) (see 'kaso identity list "
                   "-h')"},
        usage_case{{"identity", "list", "extra"},
                   "unexpected argument 'extra' (see 'kaso identity list -h')"},
        usage_case{{"identity", "modify", "a"},
                   "nothing to change: give -n, --public-key, --password, --gecos, --homedir or "
                   "--shell (see 'kaso identity modify -h')"},
        usage_case{{"identity", "remove"},
                   "give one of REF, --id ID or --name NAME (see 'kaso identity remove -h')"},
        usage_case{{"events", "list", "--since", "x"},
                   "--since must be a sequence number or a UTC time like 2026-11-30T12:00:00Z, got 'x' "
                   "(see 'kaso events list -h')"},
        usage_case{{"events", "list", "--limit", "-1"},
                   "--limit must be a number, got '-1' (see 'kaso events list -h')"},
        usage_case{{"--bogus", "identity", "list"},
                   "option '--bogus' does not exist (see 'kaso -h')"},
        // Issue #16: one style, and the word meant when a typo is near one.
        usage_case{{"instnce", "list"},
                   "unknown command group 'instnce' (did you mean 'instance'?) (see 'kaso -h')"},
        usage_case{{"lanch"}, "unknown command group 'lanch' (did you mean 'launch'?) (see 'kaso -h')"},
        usage_case{{"instance", "lsit"},
                   "unknown verb 'lsit' for 'instance' (did you mean 'list'?) (see 'kaso instance -h')"},
        usage_case{{"instance", "list", "--outptu", "json"},
                   "option '--outptu' does not exist (did you mean '--output'?) (see 'kaso instance list -h')"},
        usage_case{{"--srver", "x", "identity", "list"},
                   "option '--srver' does not exist (did you mean '--server'?) (see 'kaso -h')"},
        usage_case{{"instance", "list", "-z"}, "option '-z' does not exist (see 'kaso instance list -h')"},
        usage_case{{"instance", "frobnicate"}, "unknown verb 'frobnicate' for 'instance' (see 'kaso instance -h')"},
        usage_case{{"--server", "ftp://x", "identity", "list"},
                   "invalid --server 'ftp://x': expected unix:PATH or http://HOST:PORT"}),
    testing::usage_case_name);

TEST(usage_errors, a_missing_global_value_is_a_usage_error) {
  auto r = run_kaso({"--server"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: option '--server' is missing an argument (see 'kaso -h')\n");
}

TEST(help, lists_every_group_and_verb) {
  auto r = run_kaso({"-h"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("Usage:\n  kaso [-c FILE] [--server ADDRESS] GROUP VERB [OPTIONS]\n"),
            std::string::npos);
  EXPECT_NE(r.out.find("  -c, --config FILE"), std::string::npos);
  EXPECT_NE(r.out.find("      --server ADDRESS"), std::string::npos);
  for (const auto& g : command_groups()) {
    EXPECT_NE(r.out.find("\n  " + g.name + " "), std::string::npos) << g.name;
  }
  for (const auto& c : make_commands()) {
    const std::string indent = c->group().empty() ? "\n  " : "\n    ";  // top-level commands: under Commands
    EXPECT_NE(r.out.find(indent + c->name() + " "), std::string::npos) << c->name();
  }
  EXPECT_NE(r.out.find("Commands:\n  launch "), std::string::npos) << r.out;
}

TEST(help, group_help_lists_its_verbs) {
  auto r = run_kaso({"identity", "-h"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out,
            "Manage identities: the users who may log in to instances\n"
            "\n"
            "Usage:\n"
            "  kaso identity VERB [OPTIONS]\n"
            "\n"
            "Verbs:\n"
            "  list    List identities\n"
            "  get     Show one identity\n"
            "  create  Create an identity\n"
            "  modify  Change an identity\n"
            "  remove  Remove an identity\n"
            "\n"
            "Run 'kaso identity VERB -h' for the options of a verb.\n");
}

TEST(help, every_verb_prints_its_usage) {
  for (const auto& c : make_commands()) {
    auto r = c->group().empty() ? run_offline({c->name(), "-h"}) : run_offline({c->group(), c->name(), "-h"});
    EXPECT_EQ(r.code, 0) << c->name();
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("Usage:\n  kaso " + full_name(*c) + " " + c->synopsis()),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("  -h, --help"), std::string::npos);
  }
}

// Issue #16: stop's help gives the default wait.
TEST(help, issue_16_stop_says_its_default_timeout) {
  for (const char* verb : {"stop", "restart"}) {
    auto r = run_offline({"instance", verb, "-h"});
    std::string flat;  // the help's words, however cxxopts wraps them
    for (char c : r.out) {
      bool blank = c == ' ' || c == '\n';
      if (!blank || (!flat.empty() && flat.back() != ' ')) flat += blank ? ' ' : c;
    }
    EXPECT_NE(flat.find("(default 60, at most 3600)"), std::string::npos) << r.out;
  }
}

TEST(help, the_positional_ref_is_in_the_synopsis_not_the_option_list) {
  auto r = run_offline({"identity", "get", "--help"});
  EXPECT_NE(r.out.find("kaso identity get (REF | --id ID | --name NAME) [-o FORMAT]"),
            std::string::npos);
  EXPECT_EQ(r.out.find("--ref"), std::string::npos);
}

TEST(version, prints_the_version) {
  auto r = run_kaso({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, std::string("kaso ") + KASO_TEST_VERSION + "\n");
}

TEST(registry, verbs_are_unique_and_in_known_groups) {
  std::set<std::pair<std::string, std::string>> seen;
  const auto& groups = command_groups();
  for (const auto& c : make_commands()) {
    EXPECT_TRUE(seen.insert({c->group(), c->name()}).second) << c->group() << " " << c->name();
    if (c->group().empty()) {  // a top-level command: its name must not hide a group
      EXPECT_FALSE(std::any_of(groups.begin(), groups.end(), [&](const group_info& g) { return g.name == c->name(); }))
          << c->name();
      continue;
    }
    EXPECT_TRUE(std::any_of(groups.begin(), groups.end(),
                            [&](const group_info& g) { return g.name == c->group(); }))
        << c->group();
  }
  for (const auto& g : groups) {
    EXPECT_TRUE(std::any_of(seen.begin(), seen.end(),
                            [&](const auto& verb) { return verb.first == g.name; }))
        << "group without verbs: " << g.name;
  }
}

}  // namespace
}  // namespace kaso::cli
