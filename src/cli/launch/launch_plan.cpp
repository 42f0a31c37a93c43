#include "cli/launch/launch_plan.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace kaso::cli::launch {
namespace fs = std::filesystem;
namespace {

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 63) return false;
  auto ok = [](char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); };
  if (!ok(n[0])) return false;
  return std::all_of(n.begin(), n.end(), [&](char c) { return ok(c) || c == '_' || c == '.' || c == '-'; });
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::optional<fs::path> default_public_key(const fs::path& home) {
  for (const char* name : {"id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub"}) {
    std::error_code ec;
    auto p = home / ".ssh" / name;
    if (fs::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

std::string identity_name_for(const std::string& login) {
  std::string n = login;
  for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return valid_name(n) && n != "root" ? n : "kaso";
}

std::string key_material(const std::string& line) {
  std::istringstream in(line);
  std::string type, base64;
  in >> type >> base64;
  if (type.rfind("ssh-", 0) != 0 && type.rfind("ecdsa-", 0) != 0) return "";
  return base64.empty() ? "" : type + " " + base64;
}

std::optional<std::string> identity_with_key(const nlohmann::json& identities, const std::string& line) {
  auto wanted = key_material(line);
  if (wanted.empty() || !identities.is_array()) return std::nullopt;
  for (const auto& i : identities) {
    auto key = i.find("public_key");
    if (key != i.end() && key->is_string() && key_material(key->get<std::string>()) == wanted) {
      return i["id"].dump();
    }
  }
  return std::nullopt;
}

std::string free_instance_name(const nlohmann::json& instances) {
  auto taken = [&](const std::string& name) {
    return instances.is_array() && std::any_of(instances.begin(), instances.end(), [&](const nlohmann::json& i) {
             return i.value("name", "") == name;
           });
  };
  if (!taken("primary")) return "primary";
  for (int n = 2;; ++n) {
    auto name = "primary-" + std::to_string(n);
    if (!taken(name)) return name;
  }
}

std::string image_name_for_file(const fs::path& file) {
  std::string n = file.filename().string();
  for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* compressed : {".xz", ".gz", ".zst"}) {
    if (ends_with(n, compressed)) n.resize(n.size() - std::string(compressed).size());
  }
  for (const char* image : {".qcow2", ".img", ".raw"}) {
    if (ends_with(n, image)) n.resize(n.size() - std::string(image).size());
  }
  for (auto& c : n) {
    bool ok = std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
              c == '.' || c == '-';
    if (!ok) c = '-';
  }
  while (!n.empty() && !std::isalnum(static_cast<unsigned char>(n[0]))) n.erase(0, 1);
  if (n.size() > 63) n.resize(63);
  return n.empty() ? "image" : n;
}

bool names_a_file(const std::string& image) {
  std::error_code ec;
  return image.find('/') != std::string::npos || fs::is_regular_file(image, ec);
}

}  // namespace kaso::cli::launch
