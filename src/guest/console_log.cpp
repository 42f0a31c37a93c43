#include "guest/console_log.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

namespace kaso::guest {
namespace fs = std::filesystem;
namespace {

std::uint64_t size_or_zero(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

// Up to `count` bytes of `p` from `offset`; "" for a missing file.
result<std::string> read_range(const fs::path& p, std::uint64_t offset, std::uint64_t count) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(p, ec)) return std::string();
    return error::internal("cannot read " + p.string());
  }
  in.seekg(static_cast<std::streamoff>(offset));
  std::string out(count, '\0');
  in.read(out.data(), static_cast<std::streamsize>(count));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

}  // namespace

fs::path older_console_log(const fs::path& path) { return path.string() + ".1"; }

result<bool> bound_console_log(const fs::path& path, std::uint64_t limit) {
  if (size_or_zero(path) <= limit) return false;
  std::error_code ec;
  fs::copy_file(path, older_console_log(path), fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::resize_file(path, 0, ec);
  if (ec) return error::internal("cannot rotate " + path.string() + ": " + ec.message());
  return true;
}

result<std::string> read_console_tail(const fs::path& path, std::uint64_t max_bytes, std::uint64_t& end) {
  end = size_or_zero(path);
  std::uint64_t current = std::min(end, max_bytes);
  auto tail = read_range(path, end - current, current);
  if (!tail.ok()) return tail.error();
  std::uint64_t left = max_bytes - current;
  if (left == 0) return tail;
  auto older_path = older_console_log(path);
  auto older_size = size_or_zero(older_path);
  std::uint64_t from_older = std::min(older_size, left);
  auto older = read_range(older_path, older_size - from_older, from_older);
  if (!older.ok()) return older.error();
  return *older + *tail;
}

result<std::string> read_console_from(const fs::path& path, std::uint64_t offset, std::uint64_t max_bytes,
                                      std::uint64_t& end) {
  auto size = size_or_zero(path);
  if (offset > size) offset = 0;  // rotated meanwhile
  auto count = std::min(size - offset, max_bytes);
  end = offset + count;
  return read_range(path, offset, count);
}

std::string_view to_string(boot_stage s) {
  switch (s) {
    case boot_stage::firmware: return "firmware";
    case boot_stage::kernel: return "kernel";
    case boot_stage::login_prompt: return "login_prompt";
    case boot_stage::ssh: return "ssh";
  }
  return "firmware";
}

boot_stage stage_of_console(std::string_view text) {
  if (text.find(" login: ") != std::string_view::npos) return boot_stage::login_prompt;
  if (text.find("Linux version") != std::string_view::npos) return boot_stage::kernel;
  return boot_stage::firmware;
}

}  // namespace kaso::guest
