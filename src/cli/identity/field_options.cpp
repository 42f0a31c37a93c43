// Options and request body fields shared by identity create and modify.
#include "cli/identity/field_options.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace kaso::cli::identity {
namespace {

constexpr std::size_t max_key_file_size = 64 * 1024;

std::optional<std::string> optional_string(const cxxopts::ParseResult& parsed, const char* name) {
  if (!parsed.count(name)) return std::nullopt;
  return parsed[name].as<std::string>();
}

}  // namespace

void add_field_options(cxxopts::Options& options) {
  options.add_options()
      ("public-key", "File holding the OpenSSH public key (e.g. ~/.ssh/id_ed25519.pub)",
       cxxopts::value<std::string>(), "PATH")
      ("password", "The password", cxxopts::value<std::string>(), "PASSWD")
      ("gecos", "The GECOS field (full name)", cxxopts::value<std::string>(), "GECOS")
      ("homedir", "The home directory", cxxopts::value<std::string>(), "DIR")
      ("shell", "The login shell (default: /bin/bash)", cxxopts::value<std::string>(), "SHELL");
}

result<field_options> take_field_options(const cxxopts::ParseResult& parsed) {
  field_options f;
  if (parsed.count("public-key")) f.public_key_file = parsed["public-key"].as<std::string>();
  f.password = optional_string(parsed, "password");
  f.gecos = optional_string(parsed, "gecos");
  f.homedir = optional_string(parsed, "homedir");
  f.shell = optional_string(parsed, "shell");
  if (f.public_key_file && f.password) {
    return error::invalid_argument("give either --public-key or --password, not both");
  }
  if (f.public_key_file && f.public_key_file->empty()) {
    return error::invalid_argument("--public-key needs a file name");
  }
  return f;
}

status add_to_body(const field_options& fields, nlohmann::json& body) {
  if (fields.public_key_file) {
    auto key = read_public_key_file(*fields.public_key_file);
    if (!key) return key.error();
    body["public_key"] = std::move(key.value());
  }
  if (fields.password) body["password"] = *fields.password;
  if (fields.gecos) body["gecos"] = *fields.gecos;
  if (fields.homedir) body["homedir"] = *fields.homedir;
  if (fields.shell) body["shell"] = *fields.shell;
  return ok_status();
}

result<std::string> read_public_key_file(const std::filesystem::path& file) {
  const std::string name = "public key file " + file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return error::invalid_argument("the " + name + " is a directory");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return error::io_error("cannot read the " + name + ": " + std::strerror(errno));
  std::string text;
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_key_file_size) {
      return error::invalid_argument("the " + name + " is larger than 64 KiB: is it a public key?");
    }
  }
  if (in.bad()) return error::io_error("cannot read the " + name + ": " + std::strerror(errno));
  if (text.find("PRIVATE KEY-----") != std::string::npos) {
    return error::invalid_argument(file.string() +
                                   " holds a private key: give the public key (the .pub file)");
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return error::invalid_argument("the " + name + " is empty");
  return text;
}

}  // namespace kaso::cli::identity
