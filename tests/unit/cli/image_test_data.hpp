// Canned API answers for the image and task tests: images, catalogue entries and tasks as
// kaso-server sends them (see the API contract).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace kaso::cli::testing {

inline const std::string jammy_url =
    "https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img";
inline const std::string jammy_sha256 =
    "5f1b4f6e0e3f7a4b5f6c7d8e9fa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8";

inline nlohmann::json jammy_image() {
  return {{"id", 1},
          {"name", "jammy"},
          {"path", "/home/u/var/kaso/images/1.qcow2"},
          {"format", "qcow2"},
          {"virtual_size", 2361393152},
          {"size", 654311424},
          {"sha256", jammy_sha256},
          {"source", {{"kind", "url"}, {"url", jammy_url}}},
          {"min_cpu", 2},
          {"min_ram", 2048},
          {"min_space", 10240},
          {"used_by", nlohmann::json::array({"web", "db"})},
          {"version", 3},
          {"created", "2026-11-25T12:00:00.000000Z"},
          {"modified", "2026-11-25T12:05:00.000000Z"}};
}

inline nlohmann::json noble_image() {
  return {{"id", 2},
          {"name", "noble"},
          {"path", "/home/u/var/kaso/images/2.qcow2"},
          {"format", "qcow2"},
          {"virtual_size", 3758096384},
          {"size", 612368384},
          {"sha256", std::string(64, 'a')},
          {"source",
           {{"kind", "predefined"},
            {"predefined", "ubuntu-noble"},
            {"url", "https://cloud-images.ubuntu.com/noble/current/noble.img"}}},
          {"min_cpu", 0},
          {"min_ram", 0},
          {"min_space", 0},
          {"used_by", nlohmann::json::array()},
          {"version", 1},
          {"created", "2026-11-25T13:00:00.000000Z"},
          {"modified", "2026-11-25T13:00:00.000000Z"}};
}

inline constexpr std::uint64_t MiB = 1024 * 1024;

// A task of `kind` on image "jammy"; `image_id` > 0 adds "object.id" (as once completed).
inline nlohmann::json image_task(std::uint64_t id, const std::string& state, std::uint64_t done,
                                 std::uint64_t total, double rate,
                                 const std::string& kind = "image.download",
                                 std::uint64_t image_id = 0, const std::string& message = "") {
  nlohmann::json object{{"kind", "image"}, {"name", "jammy"}};
  if (image_id > 0) object["id"] = image_id;
  return {{"id", id},
          {"kind", kind},
          {"state", state},
          {"object", object},
          {"progress", {{"done", done}, {"total", total}, {"rate", rate}}},
          {"message", message},
          {"created", "2026-11-25T12:00:00.000000Z"},
          {"modified", "2026-11-25T12:00:07.000000Z"}};
}

}  // namespace kaso::cli::testing
