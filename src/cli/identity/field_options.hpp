// The identity fields that `create` and `modify` both set: --public-key PATH (read by the CLI,
// with the caller's permissions, and sent as text), --password, --gecos, --homedir, --shell.
// take_field_options checks the command line only; add_to_body reads the key file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso::cli::identity {

struct field_options {
  std::optional<std::filesystem::path> public_key_file;
  std::optional<std::string> password;
  std::optional<std::string> gecos;
  std::optional<std::string> homedir;
  std::optional<std::string> shell;

  bool empty() const { return !public_key_file && !password && !gecos && !homedir && !shell; }
};

void add_field_options(cxxopts::Options& options);
// Both --public-key and --password is an invalid_argument error.
result<field_options> take_field_options(const cxxopts::ParseResult& parsed);

// Adds the given fields to a request body; "public_key" is the key file's text.
status add_to_body(const field_options& fields, nlohmann::json& body);

// The text of an OpenSSH public key file without its trailing newline. A missing or unreadable
// file, one over 64 KiB, or a private key (the .pub was forgotten) is an error.
result<std::string> read_public_key_file(const std::filesystem::path& file);

}  // namespace kaso::cli::identity
