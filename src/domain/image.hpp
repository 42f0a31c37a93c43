// Images and the tasks that bring them in. An image exists only once its file is complete,
// verified and inspected; until then there is a task. Read models, commands, the pure deciders and
// folds, as for identities (identity.hpp). The image manager actor does the I/O.
//
// Events (frozen type strings, schema 1; see doc/event-log.md; as structs in event_types/image.hpp):
//   task.started    {kind: "image.download"|"image.import", image_name, image_id, source{kind,url,predefined,file}, sha256, min_cpu, min_ram, min_space}
//   task.joined     {image_name, image_id, min_cpu, min_ram, min_space}: another image from the same download
//   task.completed  {image_id}
//   task.failed     {message}
//   task.cancelled  {}
//   image.created   {name, path, format, virtual_size, size, sha256, source{...}, min_cpu, min_ram, min_space, task_id}
//   image.modified  {any of: name, min_cpu, min_ram, min_space}
//   image.removed   {name, path}
// and, read here for `used_by` (written by the instances' decider):
//   instance.created {name, image_id};  instance.removed {}
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/event.hpp"
#include "util/error.hpp"

namespace kaso::domain {

struct image_source {
  std::string kind;        // "url", "predefined", "file"
  std::string url;         // for url and predefined: where the bytes come from (no credentials)
  std::string predefined;  // catalogue name
  std::string file;        // absolute path on the server's host
  friend bool operator==(const image_source&, const image_source&) = default;
};

struct image_minimums {
  std::uint64_t min_cpu = 0, min_ram = 0, min_space = 0;  // vCPUs, MB, MB
  friend bool operator==(const image_minimums&, const image_minimums&) = default;
};

struct image {
  std::uint64_t id = 0;
  std::set<std::uint64_t> used_by;  // ids of the instances whose disks are overlays on it
  std::string name;
  std::string path;
  std::string format;  // "qcow2" or "raw"
  std::uint64_t virtual_size = 0, size = 0;
  std::string sha256;
  image_source source;
  image_minimums minimums;
  std::uint64_t version = 0;
  std::int64_t created_us = 0, modified_us = 0;
  friend bool operator==(const image&, const image&) = default;
};

// An image that a second request for the same URL adds to a running download: it gets the same
// bytes (a hard link) when the download completes.
struct joined_image {
  std::string name;
  std::uint64_t image_id = 0;
  image_minimums minimums;
  friend bool operator==(const joined_image&, const joined_image&) = default;
};

struct task {
  std::uint64_t id = 0;
  std::string kind;   // "image.download", "image.import"
  std::string state;  // "running", "completed", "failed", "cancelled"
  std::string image_name;
  std::uint64_t image_id = 0;  // reserved when the task starts
  image_source source;
  std::string sha256;          // expected, hex; empty when not given
  image_minimums minimums;
  std::vector<joined_image> joined;
  std::string message;
  std::int64_t caller_uid = -1;  // who started it: a file import reads only what they may read
  std::uint64_t version = 0;
  std::int64_t created_us = 0, modified_us = 0;
  bool running() const { return state == "running"; }
  friend bool operator==(const task&, const task&) = default;
};

struct images {
  std::map<std::uint64_t, image> by_id;
  std::unordered_map<std::string, std::uint64_t> id_by_name;
  std::map<std::uint64_t, task> tasks;
  std::map<std::uint64_t, std::string> instance_names;  // for messages about used_by
  std::uint64_t next_id = 1;       // image ids, never reused
  std::uint64_t next_task_id = 1;  // task ids, never reused
  friend bool operator==(const images&, const images&) = default;

  const image* resolve(std::string_view ref) const;
  const task* find_task(std::uint64_t id) const;
  // The running task that will create an image of this name, if any.
  const task* running_task_for(std::string_view name) const;
  const task* running_task_for_url(std::string_view url) const;
};

struct start_image_task {
  std::string name;
  image_source source;
  std::string sha256;
  image_minimums minimums;
};
struct complete_image_task {
  std::uint64_t task_id;
  std::string path, format, sha256;
  std::uint64_t virtual_size = 0, size = 0;
  std::map<std::uint64_t, std::string> joined_paths;  // image id -> its file (a link to `path`)
};
struct fail_image_task {
  std::uint64_t task_id;
  std::string message;
};
struct cancel_task {
  std::uint64_t task_id;
};
struct modify_image {
  std::string ref;
  std::optional<std::string> name;
  std::optional<std::uint64_t> min_cpu, min_ram, min_space;
};
struct remove_image {
  std::string ref;
};

result<std::vector<events::event>> decide(const images& s, const start_image_task& c);
result<std::vector<events::event>> decide(const images& s, const complete_image_task& c);
result<std::vector<events::event>> decide(const images& s, const fail_image_task& c);
result<std::vector<events::event>> decide(const images& s, const cancel_task& c);
result<std::vector<events::event>> decide(const images& s, const modify_image& c);
result<std::vector<events::event>> decide(const images& s, const remove_image& c);

// Applies one image or task event; never fails.
void evolve(images& s, const events::event& e);

// The API's view; `used_by` names the instances using it (the second form knows their names).
nlohmann::json to_json(const image& i);
nlohmann::json to_json(const image& i, const images& all);
nlohmann::json to_json(const task& t);

}  // namespace kaso::domain
