// qemu-img info through run_process, its JSON through nlohmann (non-throwing parse, typed
// accessors only after type checks), and the partition-table probe with pread.
#include "images/image_info.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "platform/file_io.hpp"
#include "platform/posix_error.hpp"
#include "platform/process.hpp"

namespace kaso::images {
namespace {

using json = nlohmann::json;

constexpr std::uint64_t min_raw_size = 1024 * 1024;
constexpr std::uint64_t sector = 512;

std::optional<std::string> optional_string(const json& doc, const char* key) {
  const auto it = doc.find(key);
  if (it == doc.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

result<image_info> parse_document(const json& doc) {
  if (!doc.is_object()) return error::invalid_argument("qemu-img info: not a JSON object");
  image_info info;
  const auto format = doc.find("format");
  const auto virtual_size = doc.find("virtual-size");
  if (format == doc.end() || !format->is_string() || virtual_size == doc.end() ||
      !virtual_size->is_number_unsigned()) {
    return error::invalid_argument("qemu-img info: 'format' or 'virtual-size' missing");
  }
  info.format = format->get<std::string>();
  info.virtual_size = virtual_size->get<std::uint64_t>();
  if (const auto actual = doc.find("actual-size"); actual != doc.end() && actual->is_number_unsigned()) {
    info.actual_size = actual->get<std::uint64_t>();
  }
  info.backing_file = optional_string(doc, "backing-filename");
  if (!info.backing_file) info.backing_file = optional_string(doc, "full-backing-filename");
  if (const auto encrypted = doc.find("encrypted"); encrypted != doc.end() && encrypted->is_boolean()) {
    info.encrypted = encrypted->get<bool>();
  }
  // "format-specific": {"type": "qcow2", "data": {"data-file": "...", "encrypt": {...}}}
  if (const auto specific = doc.find("format-specific");
      specific != doc.end() && specific->is_object()) {
    if (const auto data = specific->find("data"); data != specific->end() && data->is_object()) {
      info.data_file = optional_string(*data, "data-file");
      if (data->contains("encrypt")) info.encrypted = true;
    }
  }
  return info;
}

// "mbr", "gpt" or "" from the first two sectors.
result<std::string> probe_partition_table(const std::filesystem::path& path) {
  auto fd = platform::open_file(path, O_RDONLY);
  if (!fd) return fd.error();
  unsigned char head[2 * sector] = {};
  const ssize_t got = ::pread(fd->get(), head, sizeof head, 0);
  if (got < 0) return platform::posix_error("read '" + path.string() + "'", errno);
  if (got >= static_cast<ssize_t>(2 * sector) && std::memcmp(head + sector, "EFI PART", 8) == 0) {
    return std::string("gpt");
  }
  if (got >= static_cast<ssize_t>(sector) && head[510] == 0x55 && head[511] == 0xAA) {
    return std::string("mbr");
  }
  return std::string();
}

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return text.substr(0, end);
}

}  // namespace

result<image_info> parse_qemu_img_info(std::string_view text) {
  try {
    const json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) return error::invalid_argument("qemu-img info: output is not JSON");
    return parse_document(doc);
  } catch (const std::exception& e) {
    return error::invalid_argument(std::string("qemu-img info: ") + e.what());
  }
}

result<image_info> inspect_image(const std::filesystem::path& path,
                                 const qemu_img_options& options) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(path, ec);
  if (ec) return error::invalid_argument("bad path '" + path.string() + "': " + ec.message());
  if (!std::filesystem::is_regular_file(absolute, ec)) {
    return error::not_found("'" + absolute.string() + "' is not a regular file");
  }
  auto run = platform::run_process(
      {options.program, "info", "--output=json", "-U", absolute.string()}, options.timeout);
  if (!run) return run.error();
  if (!run->succeeded()) {
    return error::invalid_argument("qemu-img cannot read '" + absolute.string() +
                                   "': " + first_line(run->stderr_text));
  }
  auto info = parse_qemu_img_info(run->stdout_text);
  if (!info) return info.error();
  if (info->format == "raw") {
    auto table = probe_partition_table(absolute);
    if (!table) return table.error();
    info->partition_table = std::move(table).value();
  }
  return info;
}

status check_importable(const image_info& info) {
  if (info.format == "qcow2") {
    if (info.backing_file) {
      return error::invalid_argument("qcow2 image has a backing file ('" + *info.backing_file +
                                     "'): refused, it could point anywhere on the host");
    }
    if (info.data_file) {
      return error::invalid_argument("qcow2 image has an external data file ('" + *info.data_file +
                                     "'): refused, it could point anywhere on the host");
    }
    if (info.encrypted) return error::invalid_argument("encrypted qcow2 images are not supported");
    if (info.virtual_size == 0) return error::invalid_argument("qcow2 image has a virtual size of 0");
    return ok_status();
  }
  if (info.format == "raw") {
    if (info.virtual_size < min_raw_size || info.virtual_size % sector != 0) {
      return error::invalid_argument(
          "raw image of " + std::to_string(info.virtual_size) +
          " bytes: a disk image is at least 1 MiB and a multiple of 512 bytes");
    }
    if (info.partition_table.empty()) {
      return error::invalid_argument(
          "raw image without an MBR or GPT partition table: not a disk image");
    }
    return ok_status();
  }
  return error::invalid_argument("image format '" + info.format +
                                 "' is not supported (only qcow2 and raw)");
}

}  // namespace kaso::images
