// Progress text as pure functions: human sizes, the Rich-like bar and its columns, task labels.
#include "cli/task/progress.hpp"

#include <gtest/gtest.h>

#include "cli/output.hpp"
#include "cli/table.hpp"
#include "image_test_data.hpp"

namespace kaso::cli {
namespace {

using task::task_progress;
using testing::MiB;

TEST(human_size, uses_binary_units_with_one_decimal) {
  EXPECT_EQ(human_size(0), "0 B");
  EXPECT_EQ(human_size(1023), "1023 B");
  EXPECT_EQ(human_size(1024), "1.0 KiB");
  EXPECT_EQ(human_size(1536), "1.5 KiB");
  EXPECT_EQ(human_size(2361393152), "2.2 GiB");
  EXPECT_EQ(human_size(654311424), "624.0 MiB");
}

TEST(human_size, moves_up_a_unit_rather_than_print_1024) {
  EXPECT_EQ(human_size(1024 * 1024 - 1), "1.0 MiB");
  EXPECT_EQ(human_size(1023 * 1024), "1023.0 KiB");
}

TEST(progress_line, without_colour_leaves_the_rest_of_the_bar_blank) {
  task_progress p{120 * MiB, 650 * MiB, 12.3 * MiB};
  std::string bar;
  for (int i = 0; i < 7; ++i) bar += "━";
  EXPECT_EQ(task::progress_line("Download image jammy...", p, false),
            "Download image jammy... " + bar + std::string(33, ' ') +
                "  18% 120.0/650.0 MiB 12.3 MiB/s ETA 0:00:44");
}

TEST(progress_line, an_odd_half_cell_is_a_half_bar) {
  // 1/80 of the total is one half cell.
  task_progress p{9, 80, 0};
  auto line = task::progress_line("x", p, false);
  EXPECT_EQ(line, "x ━━━━╸" + std::string(35, ' ') + "  11% 9/80 B ?/s ETA -:--:--");
}

TEST(progress_line, with_colour_draws_the_rest_dimmed_after_a_start_mark) {
  task_progress p{25, 100, 5};
  auto line = task::progress_line("x", p, true);
  std::string done, rest;
  for (int i = 0; i < 10; ++i) done += "━";
  for (int i = 0; i < 29; ++i) rest += "━";
  EXPECT_EQ(line, "x \x1b[38;2;249;38;114m" + done + "\x1b[38;2;58;58;58m╺" + rest +
                      "\x1b[0m  25% 25/100 B 5 B/s ETA 0:00:15");
}

TEST(progress_line, an_unknown_total_shows_only_what_is_done_and_the_rate) {
  task_progress p{40 * MiB, 0, 2 * MiB};
  EXPECT_EQ(task::progress_line("Import image jammy...", p, true),
            "Import image jammy... 40.0 MiB 2.0 MiB/s");
}

TEST(progress_line, more_done_than_the_total_is_a_full_bar) {
  task_progress p{700, 650, 0};
  EXPECT_EQ(task::percent_text(p), "100%");
  EXPECT_EQ(task::eta_text(p), "-:--:--");
  auto line = task::progress_line("x", p, false);
  EXPECT_EQ(line.find(' ', 2), 2 + 40 * std::string("━").size()) << line;
}

TEST(fitting_bar_width, leaves_the_last_column_free_and_stays_within_the_maximum) {
  task_progress p{120 * MiB, 650 * MiB, 10 * MiB};
  const std::string label = "Download image jammy...";
  // Without a bar the line is 67 columns: a bar of 11 and its space make 79.
  EXPECT_EQ(display_width(task::progress_line(label, p, false, 0)), 67u);
  EXPECT_EQ(task::fitting_bar_width(label, p, 80), 11u);
  EXPECT_EQ(display_width(task::progress_line(label, p, true, 11)),
            79u + std::string("\x1b[38;2;249;38;114m\x1b[38;2;58;58;58m\x1b[0m").size());
  EXPECT_EQ(task::fitting_bar_width(label, p, 200), task::max_bar_width);
  EXPECT_EQ(task::fitting_bar_width(label, p, 69), 0u);
  EXPECT_EQ(task::fitting_bar_width(label, {40, 0, 0}, 200), 0u);  // no bar for an unknown total
}

TEST(eta_text, rounds_up_to_whole_seconds_in_hours) {
  EXPECT_EQ(task::eta_text({0, 3725, 1}), "1:02:05");
  EXPECT_EQ(task::eta_text({0, 10, 3}), "0:00:04");
  EXPECT_EQ(task::eta_text({10, 10, 3}), "0:00:00");
}

TEST(task_label, reads_the_kind_and_object) {
  EXPECT_EQ(task::task_label(testing::image_task(1, "running", 0, 0, 0, "image.download")),
            "Download image jammy...");
  EXPECT_EQ(task::task_label(testing::image_task(1, "running", 0, 0, 0, "image.import")),
            "Import image jammy...");
  EXPECT_EQ(task::task_label({{"id", 3}}), "Task 3...");
}

TEST(progress_of, reads_missing_or_odd_fields_as_zero) {
  auto p = task::progress_of({{"progress", {{"done", -5}, {"total", "x"}}}});
  EXPECT_EQ(p.done, 0u);
  EXPECT_EQ(p.total, 0u);
  EXPECT_EQ(p.rate, 0.0);
  EXPECT_EQ(task::progress_of(nlohmann::json()).done, 0u);
}

}  // namespace
}  // namespace kaso::cli
