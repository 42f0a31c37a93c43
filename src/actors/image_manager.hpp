// The image manager: decides image and task commands, owns the images and tasks read models, and
// runs each image task in a worker actor of its own (detached: it blocks on the network or disk).
//
// Protocol (image_manager_actor in protocols.hpp; replies or a caf::error of category "kaso"):
//   (start_image_task, cause)  -> task        recorded, then the worker starts; 202 for the API
//   (modify_image, cause)      -> image
//   (remove_image, cause)      -> image       the image as it was; its file is deleted
//   (cancel_task, cause)       -> task
//   (reserve_atom, ref, instance id) -> image facts; (release_atom, instance id)
//   (durable_atom, images_atom, event)  an instance event other actors made durable (for used_by)
//   (list_atom, images_atom)   -> json_text;  (list_atom, tasks_atom) -> json_text
//   (get_atom, images_atom, ref) -> image;    (get_atom, tasks_atom, id) -> task (with live progress)
//   (get_atom, catalogue_atom, arch) -> the catalogue's entries for that CPU architecture
// Tasks that were running when the server stopped are started again (downloads resume).
// Progress lives in memory only; the log records each task's start and end.
#pragma once

#include <filesystem>
#include <optional>

#include "actors/protocols.hpp"
#include "domain/image.hpp"
#include "images/catalogue.hpp"

namespace kaso::events {
class event_store;
}

namespace kaso::actors {

struct image_settings {
  std::filesystem::path images_dir;
  images::catalogue catalogue;
  images::cpu_arch host_arch = images::cpu_arch::x86_64;
};

image_manager_actor spawn_image_manager(caf::actor_system& sys, events::event_store& store,
                                        image_settings settings, domain::images initial);

}  // namespace kaso::actors
