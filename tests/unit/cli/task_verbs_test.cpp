// The task verbs against a fake kaso-server: the exact request each one sends and the exact text
// it prints, and their command-line errors.
#include <gtest/gtest.h>

#include "image_test_data.hpp"
#include "usage_case.hpp"
#include "verb_fixture.hpp"

namespace kaso::cli {
namespace {

using testing::image_task;
using testing::MiB;
using testing::usage_case;

class task_verbs : public testing::verb_fixture {};

nlohmann::json tasks() {
  return nlohmann::json::array(
      {image_task(3, "completed", 650 * MiB, 650 * MiB, 0, "image.download", 1),
       image_task(4, "running", 120 * MiB, 650 * MiB, 12.5 * MiB),
       image_task(5, "running", 40 * MiB, 0, 0, "image.import"),
       image_task(6, "failed", 0, 0, 0, "image.download", 0,
                  "download failed: HTTP 404 from https://example.org/missing.img")});
}

TEST_F(task_verbs, list_prints_a_table) {
  server.answer("GET", "/api/v1/tasks", 200, tasks());

  auto r = kaso({"task", "list"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭────┬────────────────┬───────────┬────────────────────┬────────────┬─"
                "────────────────────────────────╮\n"
            "│ ID │ Kind           │ State     │ Object             │ Progress % │ "
                "Message                         │\n"
            "├────┼────────────────┼───────────┼────────────────────┼────────────┼─"
                "────────────────────────────────┤\n"
            "│ 3  │ image.download │ completed │ image jammy (id 1) │ 100%       │ "
                "                                │\n"
            "│ 4  │ image.download │ running   │ image jammy        │ 18%        │ "
                "                                │\n"
            "│ 5  │ image.import   │ running   │ image jammy        │            │ "
                "                                │\n"
            "│ 6  │ image.download │ failed    │ image jammy        │            │ "
                "download failed: HTTP 404 from  │\n"
            "│    │                │           │                    │            │ "
                "https://example.org/missing.img │\n"
            "╰────┴────────────────┴───────────┴────────────────────┴────────────┴─"
                "────────────────────────────────╯\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/api/v1/tasks");
}

TEST_F(task_verbs, list_prints_exactly_the_api_json) {
  server.answer("GET", "/api/v1/tasks", 200, tasks());
  auto r = kaso({"task", "list", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, tasks().dump(2) + "\n");
}

TEST_F(task_verbs, get_prints_the_field_view) {
  server.answer("GET", "/api/v1/tasks/4", 200, tasks()[1]);

  auto r = kaso({"task", "get", "4"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭──────────┬─────────────────────────────╮\n"
            "│ Field    │ Value                       │\n"
            "├──────────┼─────────────────────────────┤\n"
            "│ Id       │ 4                           │\n"
            "│ Kind     │ image.download              │\n"
            "│ State    │ running                     │\n"
            "│ Object   │ image jammy                 │\n"
            "│ Progress │ 18% (120.0/650.0 MiB)       │\n"
            "│ Rate     │ 12.5 MiB/s                  │\n"
            "│ Message  │                             │\n"
            "│ Created  │ 2026-11-25T12:00:00.000000Z │\n"
            "│ Modified │ 2026-11-25T12:00:07.000000Z │\n"
            "╰──────────┴─────────────────────────────╯\n");
  EXPECT_EQ(only_request().target, "/api/v1/tasks/4");
}

TEST_F(task_verbs, get_by_id_option_prints_json) {
  server.answer("GET", "/api/v1/tasks/3", 200, tasks()[0]);
  auto r = kaso({"task", "get", "--id", "3", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, tasks()[0].dump(2) + "\n");
  EXPECT_EQ(only_request().target, "/api/v1/tasks/3");
}

TEST_F(task_verbs, get_of_an_unknown_task_prints_the_server_message) {
  server.answer("GET", "/api/v1/tasks/9", 404,
                testing::api_error("not_found", "task 9 does not exist"));
  auto r = kaso({"task", "get", "9"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: task 9 does not exist\n");
}

TEST_F(task_verbs, cancel_posts_and_prints_the_state_returned) {
  server.answer("POST", "/api/v1/tasks/4/cancel", 200,
                image_task(4, "cancelled", 120 * MiB, 650 * MiB, 0));

  auto r = kaso({"task", "cancel", "4"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Cancelled task 4 (state: cancelled)\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/tasks/4/cancel");
  EXPECT_EQ(request.json(), nlohmann::json::object());
}

TEST_F(task_verbs, cancel_of_a_finished_task_shows_the_server_message) {
  server.answer("POST", "/api/v1/tasks/3/cancel", 409,
                testing::api_error("conflict", "task 3 has already completed"));
  auto r = kaso({"task", "cancel", "--id", "3"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: task 3 has already completed\n");
}

class task_usage_errors : public ::testing::TestWithParam<usage_case> {};

TEST_P(task_usage_errors, exit_2_with_one_line) { testing::expect_usage_error(GetParam()); }

INSTANTIATE_TEST_SUITE_P(
    cli, task_usage_errors,
    ::testing::Values(
        usage_case{{"task", "get"}, "give the task's ID or --id ID (see 'kaso task get -h')"},
        usage_case{{"task", "get", "3", "--id", "3"},
                   "give only one of ID and --id ID (see 'kaso task get -h')"},
        usage_case{{"task", "get", "jammy"},
                   "the task id must be a number, got 'jammy' (see 'kaso task get -h')"},
        usage_case{{"task", "cancel", "--id", "-1"},
                   "the task id must be a number, got '-1' (see 'kaso task cancel -h')"},
        usage_case{{"task", "list", "extra"},
                   "unexpected argument 'extra' (see 'kaso task list -h')"}),
    testing::usage_case_name);

}  // namespace
}  // namespace kaso::cli
