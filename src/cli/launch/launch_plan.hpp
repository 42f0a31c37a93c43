// The choices `kaso launch` makes on its own (issue #17), as pure functions of what the server
// lists and of the user's files, so they are tested as data:
//   - which SSH public key of the user becomes the login identity when none is given;
//   - the name of that identity (the user the guest gets: the login name, "kaso" for root);
//   - the instance's name when none is given ("primary", then "primary-2", ...);
//   - what IMAGE is (a file, an existing image, a catalogue entry), and the name of an image made
//     from a file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace kaso::cli::launch {

// Without IMAGE: the catalogue entry of the current Ubuntu LTS, as Multipass does.
inline constexpr const char* default_image = "ubuntu-noble";

// The first of ~/.ssh/id_ed25519.pub, id_ecdsa.pub and id_rsa.pub that exists under `home`.
std::optional<std::filesystem::path> default_public_key(const std::filesystem::path& home);

// The identity's name for `login` (the user's login name): it, lower-cased, when it is a valid
// name and not "root" (a guest's root is not a user cloud-init should make); else "kaso".
std::string identity_name_for(const std::string& login);

// "TYPE BASE64" of an OpenSSH public key line (the comment dropped), "" when it is not one.
std::string key_material(const std::string& public_key_line);

// The id of the identity in `identities` (GET /identities) whose key is `public_key_line`'s.
std::optional<std::string> identity_with_key(const nlohmann::json& identities, const std::string& public_key_line);

// "primary" unless an instance in `instances` (GET /instances) has that name; else "primary-2", ...
std::string free_instance_name(const nlohmann::json& instances);

// The image name for a file: its name without the image extensions (.qcow2, .img, .raw, and .xz,
// .gz, .zst around them), lower-case, with anything outside [a-z0-9_.-] made '-'.
std::string image_name_for_file(const std::filesystem::path& file);

// Whether IMAGE names a file: it holds a '/' or names an existing regular file.
bool names_a_file(const std::string& image);

}  // namespace kaso::cli::launch
