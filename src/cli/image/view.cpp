// The image tables and get view.
#include "cli/image/view.hpp"

#include "cli/output.hpp"

namespace kaso::cli::image {
namespace {

// "2.2 GiB" for a byte count; the field as it is when it is not one.
std::string size_text(const nlohmann::json& image, std::string_view key) {
  auto it = image.is_object() ? image.find(key) : image.end();
  if (it == image.end() || !it->is_number_unsigned()) return text_of(image, key);
  return human_size(it->get<std::uint64_t>());
}

// The get view adds the exact count: "2.2 GiB (2361393152 bytes)".
std::string exact_size_text(const nlohmann::json& image, std::string_view key) {
  auto it = image.is_object() ? image.find(key) : image.end();
  if (it == image.end() || !it->is_number_unsigned()) return text_of(image, key);
  return human_size(it->get<std::uint64_t>()) + " (" + it->dump() + " bytes)";
}


bool flag(const nlohmann::json& object, std::string_view key) {
  auto it = object.is_object() ? object.find(key) : object.end();
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

std::string source_text(const nlohmann::json& image) {
  const nlohmann::json source =
      image.is_object() && image.contains("source") ? image["source"] : nlohmann::json();
  const auto kind = text_of(source, "kind");
  if (kind == "predefined") return "predefined " + text_of(source, "predefined");
  if (kind == "file") return text_of(source, "file");
  if (kind == "url") return text_of(source, "url");
  return kind;
}

table list_table(const nlohmann::json& images) {
  table t{{"ID", "Name", "Format", "Virtual size", "Source"}, {}, {0, 0, 0, 0, url_width}};
  if (!images.is_array()) return t;
  for (const auto& i : images) {
    t.rows.push_back({text_of(i, "id"), text_of(i, "name"), text_of(i, "format"),
                      size_text(i, "virtual_size"), source_text(i)});
  }
  return t;
}

std::vector<field> fields_of(const nlohmann::json& image) {
  return {
      {"Id", text_of(image, "id")},
      {"Name", text_of(image, "name")},
      {"Path", text_of(image, "path")},
      {"Format", text_of(image, "format")},
      {"Virtual size", exact_size_text(image, "virtual_size")},
      {"Size on disk", exact_size_text(image, "size")},
      {"SHA-256", text_of(image, "sha256")},
      {"Source", source_text(image)},
      {"Minimum vCPUs", text_of(image, "min_cpu")},
      {"Minimum RAM (MB)", text_of(image, "min_ram")},
      {"Minimum Disk Space (MB)", text_of(image, "min_space")},
      {"Used by", used_by_text(image)},
      {"Version", text_of(image, "version")},
      {"Created", text_of(image, "created")},
      {"Modified", text_of(image, "modified")},
  };
}

table catalogue_table(const nlohmann::json& catalogue) {
  table t{{"Name", "OS", "Version", "Arch", "Format", "URL"}, {}, {0, 0, 0, 0, 0, url_width}};
  if (!catalogue.is_array()) return t;
  for (const auto& entry : catalogue) {
    auto arch = text_of(entry, "arch");
    if (flag(entry, "other_arch")) arch += " (other)";
    // A release out of standard support stays listed for its users, marked (issue #16).
    auto version = text_of(entry, "version");
    if (flag(entry, "eol")) version += " (end of life)";
    t.rows.push_back({text_of(entry, "name"), text_of(entry, "os"), version, arch,
                      text_of(entry, "format"), text_of(entry, "url")});
  }
  return t;
}

}  // namespace kaso::cli::image
