// Table rendering: exact text of a list and a get view, wrapping, and widths of non-ASCII text.
#include "cli/table.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/identity/view.hpp"

namespace kaso::cli {
namespace {

// Every line of a rendered table is equally wide on a terminal.
void expect_rectangular(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  const auto width = display_width(line);
  while (std::getline(lines, line)) EXPECT_EQ(display_width(line), width) << line;
}

TEST(table, renders_a_list_like_the_original) {
  table t{{"ID", "Name", "Kind", "Fingerprint"},
          {{"1", "mrmat", "pubkey", "SHA256:abc"}, {"2", "debug", "password", ""}},
          {}};
  EXPECT_EQ(render(t),
            "╭────┬───────┬──────────┬─────────────╮\n"
            "│ ID │ Name  │ Kind     │ Fingerprint │\n"
            "├────┼───────┼──────────┼─────────────┤\n"
            "│ 1  │ mrmat │ pubkey   │ SHA256:abc  │\n"
            "│ 2  │ debug │ password │             │\n"
            "╰────┴───────┴──────────┴─────────────╯\n");
}

TEST(table, renders_an_empty_list_as_header_only) {
  table t{{"ID", "Name", "Path"}, {}, {}};
  EXPECT_EQ(render(t),
            "╭────┬──────┬──────╮\n"
            "│ ID │ Name │ Path │\n"
            "├────┼──────┼──────┤\n"
            "╰────┴──────┴──────╯\n");
}

TEST(table, renders_fields_with_multi_line_and_wrapped_values) {
  auto text = render_fields({{"Name", "mrmat"},
                             {"Public Key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIabc mrmat@host"},
                             {"Note", "line one\nline two"}},
                            20);
  EXPECT_EQ(text,
            "╭────────────┬──────────────────────╮\n"
            "│ Field      │ Value                │\n"
            "├────────────┼──────────────────────┤\n"
            "│ Name       │ mrmat                │\n"
            "│ Public Key │ ssh-ed25519          │\n"
            "│            │ AAAAC3NzaC1lZDI1NTE5 │\n"
            "│            │ AAAAIabc mrmat@host  │\n"
            "│ Note       │ line one             │\n"
            "│            │ line two             │\n"
            "╰────────────┴──────────────────────╯\n");
}

TEST(table, renders_the_identity_get_view) {
  nlohmann::json identity{
      {"id", 1},          {"name", "mrmat"},     {"kind", "password"}, {"public_key", nullptr},
      {"key_type", nullptr}, {"fingerprint", nullptr}, {"password_set", true},
      {"gecos", "Mr Mat"}, {"homedir", "/home/mrmat"}, {"shell", "/bin/bash"}, {"used_by", {"vm1", "vm2"}}, {"version", 2},
      {"created", "2026-11-25T12:00:00.000000Z"}, {"modified", "2026-11-25T12:30:00.000000Z"}};
  EXPECT_EQ(render_fields(identity::fields_of(identity)),
            "╭────────────────┬─────────────────────────────╮\n"
            "│ Field          │ Value                       │\n"
            "├────────────────┼─────────────────────────────┤\n"
            "│ Id             │ 1                           │\n"
            "│ Name           │ mrmat                       │\n"
            "│ Kind           │ password                    │\n"
            "│ Key type       │                             │\n"
            "│ Fingerprint    │                             │\n"
            "│ Public Key     │                             │\n"
            "│ Password       │ set                         │\n"
            "│ GECOS          │ Mr Mat                      │\n"
            "│ Home Directory │ /home/mrmat                 │\n"
            "│ Shell          │ /bin/bash                   │\n"
            "│ Used by        │ vm1, vm2                    │\n"
            "│ Version        │ 2                           │\n"
            "│ Created        │ 2026-11-25T12:00:00.000000Z │\n"
            "│ Modified       │ 2026-11-25T12:30:00.000000Z │\n"
            "╰────────────────┴─────────────────────────────╯\n");
}

TEST(table, measures_columns_not_bytes) {
  EXPECT_EQ(display_width("╭─┬╮│├┼┤╰┴╯"), 11u);
  EXPECT_EQ(display_width("mrmat"), 5u);
  EXPECT_EQ(display_width("仮想マシン"), 10u);   // East Asian wide: two columns each
  EXPECT_EQ(display_width("e\xcc\x81"), 1u);     // e + combining acute accent
  EXPECT_EQ(display_width("\xff"), 1u);          // an invalid byte still takes a column
  table t{{"ID", "Name"}, {{"1", "仮想マシン"}, {"2", "café"}}, {}};
  auto text = render(t);
  EXPECT_EQ(text,
            "╭────┬────────────╮\n"
            "│ ID │ Name       │\n"
            "├────┼────────────┤\n"
            "│ 1  │ 仮想マシン │\n"
            "│ 2  │ café       │\n"
            "╰────┴────────────╯\n");
  expect_rectangular(text);
}

TEST(table, shows_control_characters_as_question_marks) {
  table t{{"Name"}, {{"a\x1b[2Jb\tc"}}, {}};
  EXPECT_EQ(render(t),
            "╭──────────╮\n"
            "│ Name     │\n"
            "├──────────┤\n"
            "│ a?[2Jb c │\n"
            "╰──────────╯\n");
}

TEST(wrap, breaks_at_spaces_then_hard) {
  EXPECT_EQ(wrap("abc def ghi", 7), (std::vector<std::string>{"abc def", "ghi"}));
  EXPECT_EQ(wrap("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
  EXPECT_EQ(wrap("a\n\nb", 0), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(wrap("仮想マシン", 4), (std::vector<std::string>{"仮想", "マシ", "ン"}));
}

TEST(table, wrapped_rows_stay_rectangular) {
  table t{{"K", "V"}, {{"x", "the quick brown fox jumps over the lazy dog"}}, {0, 9}};
  expect_rectangular(render(t));
}

}  // namespace
}  // namespace kaso::cli
