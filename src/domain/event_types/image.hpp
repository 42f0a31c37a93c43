// The events of images and of the tasks that bring them in (doc/event-log.md; the deciders and
// fold are in domain/image.cpp): one struct per frozen type string, its schema and its member list
// (codec.hpp encodes and decodes from it). Value types; any thread.
//
// A task.started's `kind` is "image.download" or "image.import": task kinds, not event types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "domain/event_types/codec.hpp"
#include "domain/image.hpp"

namespace kaso::domain {

// An image's source as the payloads nest it: {kind, url, predefined, file}.
constexpr auto fields(std::type_identity<image_source>) {
  using S = image_source;
  return std::tuple{field{"kind", &S::kind}, field{"url", &S::url}, field{"predefined", &S::predefined},
                    field{"file", &S::file}};
}

// Logs from before checksums and minimums lack sha256 and min_* (empty, 0).
struct task_started {
  static constexpr std::string_view type = "task.started";
  static constexpr std::uint32_t schema = 1;
  std::string kind;  // "image.download" or "image.import"
  std::string image_name;
  std::uint64_t image_id = 0;
  image_source source;
  std::string sha256;
  std::uint64_t min_cpu = 0, min_ram = 0, min_space = 0;
  static constexpr auto fields() {
    using S = task_started;
    return std::tuple{field{"kind", &S::kind},       field{"image_name", &S::image_name},
                      field{"image_id", &S::image_id}, field{"source", &S::source},
                      field{"sha256", &S::sha256},   field{"min_cpu", &S::min_cpu},
                      field{"min_ram", &S::min_ram}, field{"min_space", &S::min_space}};
  }
  friend bool operator==(const task_started&, const task_started&) = default;
};

struct task_joined {
  static constexpr std::string_view type = "task.joined";
  static constexpr std::uint32_t schema = 1;
  std::string image_name;
  std::uint64_t image_id = 0;
  std::uint64_t min_cpu = 0, min_ram = 0, min_space = 0;
  static constexpr auto fields() {
    using S = task_joined;
    return std::tuple{field{"image_name", &S::image_name}, field{"image_id", &S::image_id},
                      field{"min_cpu", &S::min_cpu}, field{"min_ram", &S::min_ram},
                      field{"min_space", &S::min_space}};
  }
  friend bool operator==(const task_joined&, const task_joined&) = default;
};

struct task_completed {
  static constexpr std::string_view type = "task.completed";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t image_id = 0;
  static constexpr auto fields() { return std::tuple{field{"image_id", &task_completed::image_id}}; }
  friend bool operator==(const task_completed&, const task_completed&) = default;
};

struct task_failed {
  static constexpr std::string_view type = "task.failed";
  static constexpr std::uint32_t schema = 1;
  std::string message;
  static constexpr auto fields() { return std::tuple{field{"message", &task_failed::message}}; }
  friend bool operator==(const task_failed&, const task_failed&) = default;
};

struct task_cancelled {
  static constexpr std::string_view type = "task.cancelled";
  static constexpr std::uint32_t schema = 1;
  static constexpr auto fields() { return std::tuple{}; }
  friend bool operator==(const task_cancelled&, const task_cancelled&) = default;
};

struct image_created {
  static constexpr std::string_view type = "image.created";
  static constexpr std::uint32_t schema = 1;
  std::string name, path, format;
  std::uint64_t virtual_size = 0, size = 0;
  std::string sha256;
  image_source source;
  std::uint64_t min_cpu = 0, min_ram = 0, min_space = 0;
  std::uint64_t task_id = 0;
  static constexpr auto fields() {
    using S = image_created;
    return std::tuple{field{"name", &S::name},       field{"path", &S::path},
                      field{"format", &S::format},   field{"virtual_size", &S::virtual_size},
                      field{"size", &S::size},       field{"sha256", &S::sha256},
                      field{"source", &S::source},   field{"min_cpu", &S::min_cpu},
                      field{"min_ram", &S::min_ram}, field{"min_space", &S::min_space},
                      field{"task_id", &S::task_id}};
  }
  friend bool operator==(const image_created&, const image_created&) = default;
};

// Only what changed.
struct image_modified {
  static constexpr std::string_view type = "image.modified";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> name;
  std::optional<std::uint64_t> min_cpu, min_ram, min_space;
  static constexpr auto fields() {
    using S = image_modified;
    constexpr auto set = presence::when_set;
    return std::tuple{field{"name", &S::name, set}, field{"min_cpu", &S::min_cpu, set},
                      field{"min_ram", &S::min_ram, set}, field{"min_space", &S::min_space, set}};
  }
  friend bool operator==(const image_modified&, const image_modified&) = default;
};

struct image_removed {
  static constexpr std::string_view type = "image.removed";
  static constexpr std::uint32_t schema = 1;
  std::string name, path;
  static constexpr auto fields() {
    return std::tuple{field{"name", &image_removed::name}, field{"path", &image_removed::path}};
  }
  friend bool operator==(const image_removed&, const image_removed&) = default;
};

}  // namespace kaso::domain
