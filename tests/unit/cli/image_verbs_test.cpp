// The image verbs against a fake kaso-server: the exact request each one sends and the exact text
// it prints, and their command-line errors. Waiting for the task of `image create` is in
// image_create_wait_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>

#include "image_test_data.hpp"
#include "usage_case.hpp"
#include "verb_fixture.hpp"

namespace kaso::cli {
namespace {

using testing::image_task;
using testing::jammy_image;
using testing::jammy_sha256;
using testing::jammy_url;
using testing::noble_image;
using testing::usage_case;

class image_verbs : public testing::verb_fixture {};

nlohmann::json catalogue() {
  auto entry = [](const char* name, const char* arch, bool other) {
    return nlohmann::json{{"name", name},
                          {"os", "Ubuntu"},
                          {"version", "24.04"},
                          {"arch", arch},
                          {"url", std::string("https://example.org/") + name + ".img"},
                          {"format", "qcow2"},
                          {"min_cpu", 1},
                          {"min_ram_mb", 1024},
                          {"min_space_mb", 4096},
                          {"other_arch", other},
                          {"eol", false}};
  };
  return nlohmann::json::array(
      {entry("ubuntu-noble", "x86_64", false), entry("ubuntu-noble-arm", "aarch64", true)});
}

TEST_F(image_verbs, create_no_wait_sends_the_url_and_every_option_and_prints_the_task_id) {
  server.answer("POST", "/api/v1/images", 202, image_task(7, "running", 0, 0, 0));

  auto r = kaso({"image", "create", "-n", "jammy", "--url", jammy_url, "--sha256",
                 "5F1B4F6E0E3F7A4B5F6C7D8E9FA0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8", "--min-cpu",
                 "2", "--min-ram", "2048", "--min-space", "10240", "--no-wait"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Started task 7\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/images");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.json(), (nlohmann::json{{"name", "jammy"},
                                            {"url", jammy_url},
                                            {"sha256", jammy_sha256},
                                            {"min_cpu", 2},
                                            {"min_ram", 2048},
                                            {"min_space", 10240}}));
}

TEST_F(image_verbs, create_no_wait_with_json_prints_the_task) {
  auto task = image_task(7, "running", 0, 0, 0, "image.download");
  server.answer("POST", "/api/v1/images", 202, task);

  auto r = kaso({"image", "create", "-n", "noble", "--predefined", "ubuntu-noble", "--no-wait",
                 "-o", "json"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, task.dump(2) + "\n");
  EXPECT_EQ(only_request().json(),
            (nlohmann::json{{"name", "noble"}, {"predefined", "ubuntu-noble"}}));
}

TEST_F(image_verbs, create_makes_a_relative_file_absolute_against_the_cwd) {
  server.answer("POST", "/api/v1/images", 202,
                image_task(8, "running", 0, 0, 0, "image.import"));

  auto r = kaso({"image", "create", "-n", "local", "--file", "disks/../disk.qcow2", "--no-wait"});

  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Started task 8\n");
  EXPECT_EQ(only_request().json(),
            (nlohmann::json{{"name", "local"},
                            {"file", (std::filesystem::current_path() / "disk.qcow2").string()}}));
}

TEST_F(image_verbs, create_sends_an_absolute_file_as_it_is) {
  server.answer("POST", "/api/v1/images", 202,
                image_task(8, "running", 0, 0, 0, "image.import"));
  auto r = kaso({"image", "create", "-n", "local", "--file", "/srv/disk.qcow2", "--no-wait"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(only_request().json(),
            (nlohmann::json{{"name", "local"}, {"file", "/srv/disk.qcow2"}}));
}

TEST_F(image_verbs, create_reports_the_server_error_message) {
  server.answer("POST", "/api/v1/images", 409,
                testing::api_error("already_exists", "image 'jammy' already exists"));
  auto r = kaso({"image", "create", "-n", "jammy", "--url", jammy_url});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: image 'jammy' already exists\n");
  EXPECT_EQ(only_request().target, "/api/v1/images");
}

TEST_F(image_verbs, list_prints_a_table_with_human_sizes_and_sources) {
  server.answer("GET", "/api/v1/images", 200,
                nlohmann::json::array({jammy_image(), noble_image()}));

  auto r = kaso({"image", "list"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭────┬───────┬────────┬──────────────┬──────────────────────────────────────────────"
                "────╮\n"
            "│ ID │ Name  │ Format │ Virtual size │ Source                                       "
                "    │\n"
            "├────┼───────┼────────┼──────────────┼──────────────────────────────────────────────"
                "────┤\n"
            "│ 1  │ jammy │ qcow2  │ 2.2 GiB      │ https://cloud-images.ubuntu.com/jammy/current"
                "/ja │\n"
            "│    │       │        │              │ mmy-server-cloudimg-amd64.img                "
                "    │\n"
            "│ 2  │ noble │ qcow2  │ 3.5 GiB      │ predefined ubuntu-noble                      "
                "    │\n"
            "╰────┴───────┴────────┴──────────────┴──────────────────────────────────────────────"
                "────╯\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/api/v1/images");
}

TEST_F(image_verbs, list_prints_exactly_the_api_json) {
  auto answer = nlohmann::json::array({jammy_image()});
  server.answer("GET", "/api/v1/images", 200, answer);
  auto r = kaso({"image", "list", "-o", "json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, answer.dump(2) + "\n");
}

TEST_F(image_verbs, get_prints_the_field_view) {
  server.answer("GET", "/api/v1/images/jammy", 200, jammy_image());

  auto r = kaso({"image", "get", "jammy"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭─────────────────────────┬────────────────────────────────────────────────────╮\n"
            "│ Field                   │ Value                                              │\n"
            "├─────────────────────────┼────────────────────────────────────────────────────┤\n"
            "│ Id                      │ 1                                                  │\n"
            "│ Name                    │ jammy                                              │\n"
            "│ Path                    │ /home/u/var/kaso/images/1.qcow2                    │\n"
            "│ Format                  │ qcow2                                              │\n"
            "│ Virtual size            │ 2.2 GiB (2361393152 bytes)                         │\n"
            "│ Size on disk            │ 624.0 MiB (654311424 bytes)                        │\n"
            "│ SHA-256                 │ 5f1b4f6e0e3f7a4b5f6c7d8e9fa0b1c2d3e4f5a6b7c8d9e0f1 │\n"
            "│                         │ a2b3c4d5e6f7a8                                     │\n"
            "│ Source                  │ https://cloud-images.ubuntu.com/jammy/current/jamm │\n"
            "│                         │ y-server-cloudimg-amd64.img                        │\n"
            "│ Minimum vCPUs           │ 2                                                  │\n"
            "│ Minimum RAM (MB)        │ 2048                                               │\n"
            "│ Minimum Disk Space (MB) │ 10240                                              │\n"
            "│ Used by                 │ web, db                                            │\n"
            "│ Version                 │ 3                                                  │\n"
            "│ Created                 │ 2026-11-25T12:00:00.000000Z                        │\n"
            "│ Modified                │ 2026-11-25T12:05:00.000000Z                        │\n"
            "╰─────────────────────────┴────────────────────────────────────────────────────╯\n");
  EXPECT_EQ(only_request().target, "/api/v1/images/jammy");
}

TEST_F(image_verbs, get_addresses_by_id_or_encoded_name) {
  server.answer("GET", "/api/v1/images/1", 200, jammy_image());
  server.answer("GET", "/api/v1/images/my%20image", 200, jammy_image());

  EXPECT_EQ(kaso({"image", "get", "--id", "1", "-o", "json"}).out, jammy_image().dump(2) + "\n");
  EXPECT_EQ(kaso({"image", "get", "--name", "my image", "-o", "json"}).code, 0);

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/api/v1/images/1");
  EXPECT_EQ(requests[1].target, "/api/v1/images/my%20image");
}

TEST_F(image_verbs, modify_sends_only_the_given_fields) {
  auto modified = jammy_image();
  modified["name"] = "jammy-lts";
  server.answer("PATCH", "/api/v1/images/jammy", 200, modified);

  auto r = kaso({"image", "modify", "jammy", "-n", "jammy-lts", "--min-ram", "4096"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Modified image with id 1\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "PATCH");
  EXPECT_EQ(request.target, "/api/v1/images/jammy");
  EXPECT_EQ(request.json(), (nlohmann::json{{"name", "jammy-lts"}, {"min_ram", 4096}}));
}

TEST_F(image_verbs, remove_prints_the_removed_id) {
  server.answer("DELETE", "/api/v1/images/2", 200, {{"removed", noble_image()}});

  auto r = kaso({"image", "remove", "--id", "2"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "Removed image with id 2\n");
  auto request = only_request();
  EXPECT_EQ(request.method, "DELETE");
  EXPECT_EQ(request.target, "/api/v1/images/2");
}

TEST_F(image_verbs, remove_of_an_image_in_use_shows_the_server_message) {
  server.answer("DELETE", "/api/v1/images/jammy", 409,
                testing::api_error("conflict", "image 'jammy' is used by instances web, db"));

  auto r = kaso({"image", "remove", "jammy"});

  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "kaso: image 'jammy' is used by instances web, db\n");
}

TEST_F(image_verbs, catalogue_marks_the_other_architecture) {
  server.answer("GET", "/api/v1/images/catalogue", 200, catalogue());

  auto r = kaso({"image", "catalogue"});

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "╭──────────────────┬────────┬─────────┬─────────────────┬────────┬──────────────────"
                "────────────────────────╮\n"
            "│ Name             │ OS     │ Version │ Arch            │ Format │ URL              "
                "                        │\n"
            "├──────────────────┼────────┼─────────┼─────────────────┼────────┼──────────────────"
                "────────────────────────┤\n"
            "│ ubuntu-noble     │ Ubuntu │ 24.04   │ x86_64          │ qcow2  │ https://example.o"
                "rg/ubuntu-noble.img     │\n"
            "│ ubuntu-noble-arm │ Ubuntu │ 24.04   │ aarch64 (other) │ qcow2  │ https://example.o"
                "rg/ubuntu-noble-arm.img │\n"
            "╰──────────────────┴────────┴─────────┴─────────────────┴────────┴──────────────────"
                "────────────────────────╯\n");
  EXPECT_EQ(only_request().target, "/api/v1/images/catalogue");
}

// Issue #16: the catalogue hid eol.
TEST_F(image_verbs, issue_16_catalogue_marks_end_of_life_releases) {
  auto entries = catalogue();
  entries[1]["eol"] = true;
  server.answer("GET", "/api/v1/images/catalogue", 200, entries);
  auto r = kaso({"image", "catalogue"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("24.04 (end of life)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("(end of life)"), r.out.rfind("(end of life)")) << "only the eol entry";
}

TEST_F(image_verbs, catalogue_asks_for_the_given_architecture) {
  server.answer("GET", "/api/v1/images/catalogue?arch=aarch64", 200, catalogue());
  auto r = kaso({"image", "catalogue", "--arch", "aarch64", "-o", "json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, catalogue().dump(2) + "\n");
  EXPECT_EQ(only_request().target, "/api/v1/images/catalogue?arch=aarch64");
}

class image_usage_errors : public ::testing::TestWithParam<usage_case> {};

TEST_P(image_usage_errors, exit_2_with_one_line) { testing::expect_usage_error(GetParam()); }

const std::string create_hint = " (see 'kaso image create -h')";

INSTANTIATE_TEST_SUITE_P(
    cli, image_usage_errors,
    ::testing::Values(
        usage_case{{"image", "create", "--url", "u"},
                   "missing required option --name" + create_hint},
        usage_case{{"image", "create", "-n", "x"},
                   "give one of --url URL, --predefined NAME or --file PATH" + create_hint},
        usage_case{{"image", "create", "-n", "x", "--url", "u", "--file", "f"},
                   "give only one of --url, --predefined and --file" + create_hint},
        usage_case{{"image", "create", "-n", "x", "--url", "u", "--predefined", "p", "--file",
                    "f"},
                   "give only one of --url, --predefined and --file" + create_hint},
        usage_case{{"image", "create", "-n", "x", "--file", ""},
                   "--file must not be empty" + create_hint},
        usage_case{{"image", "create", "-n", "x", "--url", "u", "--sha256", "abc"},
                   "--sha256 must be 64 hexadecimal digits, got 'abc'" + create_hint},
        usage_case{{"image", "create", "-n", "x", "--url", "u", "--sha256", std::string(64, 'g')},
                   "--sha256 must be 64 hexadecimal digits, got '" + std::string(64, 'g') + "'" +
                       create_hint},
        usage_case{{"image", "create", "-n", "x", "--url", "u", "--min-space", "-1"},
                   "--min-space must be a non-negative integer, got '-1'" + create_hint},
        usage_case{{"image", "create", "-n", "x", "--url", "u", "--min-ram", "2G"},
                   "--min-ram must be a non-negative integer, got '2G'" + create_hint},
        usage_case{{"image", "create", "-n", "x", "--url", "u", "--min-cpu",
                    "99999999999999999999"},
                   "--min-cpu must be a non-negative integer, got '99999999999999999999'" +
                       create_hint},
        usage_case{{"image", "modify", "jammy"},
                   "nothing to change: give -n, --min-cpu, --min-ram or --min-space (see 'kaso "
                   "image modify -h')"},
        usage_case{{"image", "modify", "jammy", "--min-cpu", "-2"},
                   "--min-cpu must be a non-negative integer, got '-2' (see 'kaso image modify "
                   "-h')"},
        usage_case{{"image", "get"},
                   "give one of REF, --id ID or --name NAME (see 'kaso image get -h')"},
        usage_case{{"image", "remove", "a", "--name", "b"},
                   "give only one of REF, --id ID and --name NAME (see 'kaso image remove -h')"},
        usage_case{{"image", "catalogue", "--arch", "riscv64"},
                   "unknown architecture 'riscv64' (use x86_64 or aarch64) (see 'kaso image "
                   "catalogue -h')"}),
    testing::usage_case_name);

}  // namespace
}  // namespace kaso::cli
