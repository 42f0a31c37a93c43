// Parsing and validation of the image catalogue. nlohmann::json is used in its non-throwing
// forms; the one try block below only guards against surprises from the library.
#include "images/catalogue.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <iterator>
#include <utility>

#include <nlohmann/json.hpp>

namespace kaso::images {
namespace {

using json = nlohmann::json;

constexpr int supported_schema = 1;
constexpr std::uintmax_t max_catalogue_bytes = 4 * 1024 * 1024;

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9'))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

// https, a host, no credentials, no whitespace.
bool valid_https_url(std::string_view url) {
  constexpr std::string_view scheme = "https://";
  if (url.substr(0, scheme.size()) != scheme) return false;
  const auto authority_end = url.find_first_of("/?#", scheme.size());
  const auto authority = url.substr(scheme.size(), authority_end - scheme.size());
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  return std::none_of(url.begin(), url.end(),
                      [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// Reads entry[key] as a non-empty string.
result<std::string> string_field(const json& entry, const char* key, const std::string& where) {
  const auto it = entry.find(key);
  if (it == entry.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return error::invalid_argument(where + ": '" + key + "' must be a non-empty string");
  }
  return it->get<std::string>();
}

result<std::uint64_t> positive_field(const json& entry, const char* key, const std::string& where) {
  const auto it = entry.find(key);
  if (it == entry.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() == 0) {
    return error::invalid_argument(where + ": '" + key + "' must be a positive integer");
  }
  return it->get<std::uint64_t>();
}

result<checksum_source> parse_checksum(const json& entry, const std::string& where) {
  const auto it = entry.find("checksum");
  if (it == entry.end() || !it->is_object()) {
    return error::invalid_argument(where + ": 'checksum' must be an object");
  }
  const std::string at = where + " checksum";
  auto kind = string_field(*it, "kind", at);
  if (!kind) return kind.error();
  checksum_source source;
  if (*kind == "sha256") {
    auto value = string_field(*it, "value", at);
    if (!value) return value.error();
    if (value->size() != 64 || !is_hex(*value)) {
      return error::invalid_argument(at + ": 'value' must be 64 hex digits");
    }
    source.kind = checksum_kind::sha256;
    source.value = lower(std::move(value).value());
    return source;
  }
  if (*kind == "sha256sums") {
    source.kind = checksum_kind::sha256sums;
  } else if (*kind == "sha512sums") {
    source.kind = checksum_kind::sha512sums;
  } else {
    return error::invalid_argument(at + ": unknown kind '" + *kind +
                                   "' (sha256sums, sha512sums or sha256)");
  }
  auto url = string_field(*it, "url", at);
  if (!url) return url.error();
  if (!valid_https_url(*url)) return error::invalid_argument(at + ": 'url' must be an https URL");
  auto file = string_field(*it, "file", at);
  if (!file) return file.error();
  source.url = std::move(url).value();
  source.file_name = std::move(file).value();
  return source;
}

result<catalogue_entry> parse_entry(const json& item, std::size_t index) {
  std::string where = "image #" + std::to_string(index);
  if (!item.is_object()) return error::invalid_argument(where + ": not an object");
  auto name = string_field(item, "name", where);
  if (!name) return name.error();
  if (!valid_name(*name)) {
    return error::invalid_argument(where + ": name '" + *name +
                                   "' must be lower-case letters, digits, '-' or '.'");
  }
  where += " ('" + *name + "')";
  catalogue_entry entry;
  entry.name = std::move(name).value();

  auto os = string_field(item, "os", where);
  if (!os) return os.error();
  entry.os = std::move(os).value();
  auto version = string_field(item, "version", where);
  if (!version) return version.error();
  entry.version = std::move(version).value();

  auto arch = string_field(item, "arch", where);
  if (!arch) return arch.error();
  if (*arch == "x86_64") {
    entry.arch = cpu_arch::x86_64;
  } else if (*arch == "aarch64") {
    entry.arch = cpu_arch::aarch64;
  } else {
    return error::invalid_argument(where + ": arch '" + *arch + "' must be x86_64 or aarch64");
  }

  auto url = string_field(item, "url", where);
  if (!url) return url.error();
  if (!valid_https_url(*url)) return error::invalid_argument(where + ": 'url' must be an https URL");
  entry.url = std::move(url).value();

  auto format = string_field(item, "format", where);
  if (!format) return format.error();
  if (*format != "qcow2" && *format != "raw") {
    return error::invalid_argument(where + ": format '" + *format + "' must be qcow2 or raw");
  }
  entry.format = std::move(format).value();

  auto checksum = parse_checksum(item, where);
  if (!checksum) return checksum.error();
  entry.checksum = std::move(checksum).value();

  auto min_cpu = positive_field(item, "min_cpu", where);
  if (!min_cpu) return min_cpu.error();
  if (*min_cpu > 1024) return error::invalid_argument(where + ": 'min_cpu' is implausible");
  entry.min_cpu = static_cast<std::uint32_t>(*min_cpu);
  auto min_ram = positive_field(item, "min_ram_mb", where);
  if (!min_ram) return min_ram.error();
  entry.min_ram_mb = *min_ram;
  auto min_space = positive_field(item, "min_space_mb", where);
  if (!min_space) return min_space.error();
  entry.min_space_mb = *min_space;

  if (const auto eol = item.find("eol"); eol != item.end()) {
    if (!eol->is_boolean()) return error::invalid_argument(where + ": 'eol' must be a boolean");
    entry.eol = eol->get<bool>();
  }
  return entry;
}

result<catalogue> parse_document(const json& doc) {
  if (!doc.is_object()) return error::invalid_argument("catalogue: the document must be an object");
  const auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_number_integer()) {
    return error::invalid_argument("catalogue: 'schema' must be an integer");
  }
  if (schema->get<int>() != supported_schema) {
    return error::invalid_argument("catalogue: schema " + std::to_string(schema->get<int>()) +
                                   " is not supported (this build reads schema " +
                                   std::to_string(supported_schema) + ")");
  }
  const auto images = doc.find("images");
  if (images == doc.end() || !images->is_array()) {
    return error::invalid_argument("catalogue: 'images' must be an array");
  }
  std::vector<catalogue_entry> entries;
  std::set<std::pair<std::string, cpu_arch>> seen;
  for (std::size_t i = 0; i < images->size(); ++i) {
    auto entry = parse_entry((*images)[i], i);
    if (!entry) return entry.error();
    if (!seen.emplace(entry->name, entry->arch).second) {
      return error::invalid_argument("catalogue: image '" + entry->name + "' for " +
                                     std::string(to_string(entry->arch)) + " appears twice");
    }
    entries.push_back(std::move(entry).value());
  }
  return catalogue{std::move(entries)};
}

}  // namespace

std::string_view to_string(cpu_arch arch) {
  switch (arch) {
    case cpu_arch::x86_64: return "x86_64";
    case cpu_arch::aarch64: return "aarch64";
  }
  return "x86_64";
}

std::optional<cpu_arch> parse_cpu_arch(std::string_view text) {
  if (text == "x86_64" || text == "amd64") return cpu_arch::x86_64;
  if (text == "aarch64" || text == "arm64") return cpu_arch::aarch64;
  return std::nullopt;
}

std::string_view to_string(checksum_kind kind) {
  switch (kind) {
    case checksum_kind::sha256sums: return "sha256sums";
    case checksum_kind::sha512sums: return "sha512sums";
    case checksum_kind::sha256: return "sha256";
  }
  return "sha256sums";
}

std::vector<catalogue_entry> catalogue::entries_for(cpu_arch arch) const {
  std::vector<catalogue_entry> out;
  std::copy_if(entries_.begin(), entries_.end(), std::back_inserter(out),
               [arch](const catalogue_entry& e) { return e.arch == arch; });
  return out;
}

result<catalogue_entry> catalogue::find(std::string_view name, cpu_arch arch) const {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const catalogue_entry& e) {
    return e.name == name && e.arch == arch;
  });
  if (it != entries_.end()) return *it;
  const bool other_arch = std::any_of(entries_.begin(), entries_.end(),
                                      [&](const catalogue_entry& e) { return e.name == name; });
  std::string message = "no predefined image '" + std::string(name) + "' for " +
                        std::string(to_string(arch));
  if (other_arch) message += " (it exists for another architecture)";
  return error::not_found(std::move(message));
}

result<catalogue> parse_catalogue(std::string_view json_text) {
  try {
    const json doc = json::parse(json_text.begin(), json_text.end(), nullptr, false);
    if (doc.is_discarded()) return error::invalid_argument("catalogue: not valid JSON");
    return parse_document(doc);
  } catch (const std::exception& e) {
    return error::invalid_argument(std::string("catalogue: ") + e.what());
  }
}

result<catalogue> load_catalogue(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return error::not_found("catalogue file '" + path.string() + "' does not exist");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > max_catalogue_bytes) {
    return error::invalid_argument("catalogue file '" + path.string() + "' is unreadable or too big");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.is_open() || in.bad()) {
    return error::io_error("cannot read catalogue file '" + path.string() + "'");
  }
  auto parsed = parse_catalogue(text);
  if (!parsed) {
    return error{parsed.error().code(), path.string() + ": " + parsed.error().message()};
  }
  return parsed;
}

}  // namespace kaso::images
