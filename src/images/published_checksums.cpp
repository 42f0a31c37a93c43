// Line parser for published checksum files; see published_checksums.hpp for the formats.
#include "images/published_checksums.hpp"

#include <algorithm>
#include <optional>
#include <vector>

namespace kaso::images {
namespace {

struct listed {
  std::string name;
  std::string hash;
};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

bool is_hash(std::string_view s, std::size_t hex_digits) {
  return s.size() == hex_digits && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

std::string_view strip_dot_slash(std::string_view name) {
  while (name.substr(0, 2) == "./") name.remove_prefix(2);
  return name;
}

// "SHA256 (name) = HASH"
std::optional<listed> parse_bsd(std::string_view line, std::string_view tag, std::size_t digits) {
  if (line.substr(0, tag.size()) != tag) return std::nullopt;
  auto rest = trim(line.substr(tag.size()));
  if (rest.empty() || rest.front() != '(') return std::nullopt;
  const auto close = rest.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  auto tail = trim(rest.substr(close + 1));
  if (tail.empty() || tail.front() != '=') return std::nullopt;
  const auto hash = trim(tail.substr(1));
  if (!is_hash(hash, digits)) return std::nullopt;
  return listed{std::string(strip_dot_slash(rest.substr(1, close - 1))), lower(hash)};
}

// "HASH  name", "HASH *name", "HASH name"; a leading '\' marks an escaped name (coreutils).
std::optional<listed> parse_gnu(std::string_view line, std::size_t digits) {
  bool escaped = false;
  if (!line.empty() && line.front() == '\\') {
    escaped = true;
    line.remove_prefix(1);
  }
  const auto space = line.find_first_of(" \t");
  if (space == std::string_view::npos || !is_hash(line.substr(0, space), digits)) {
    return std::nullopt;
  }
  auto name = line.substr(space + 1);
  if (!name.empty() && (name.front() == ' ' || name.front() == '*')) name.remove_prefix(1);
  name = strip_dot_slash(name);
  if (name.empty()) return std::nullopt;
  std::string unescaped;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (escaped && name[i] == '\\' && i + 1 < name.size()) {
      unescaped += name[i + 1] == 'n' ? '\n' : name[i + 1];
      ++i;
    } else {
      unescaped += name[i];
    }
  }
  return listed{std::move(unescaped), lower(line.substr(0, space))};
}

struct scan {
  std::vector<listed> lines;
  std::vector<std::string> lone_hashes;  // lines that are only a hash
  std::size_t other_lines = 0;
};

scan scan_text(std::string_view text, std::string_view tag, std::size_t digits) {
  scan out;
  bool in_signature = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    auto line = trim(text.substr(start, end - start));
    start = end + 1;
    if (line.substr(0, 5) == "-----") {  // PGP armour: BEGIN/END lines
      in_signature = line.find("BEGIN PGP SIGNATURE") != std::string_view::npos;
      continue;
    }
    if (in_signature || line.empty() || line.front() == '#') continue;
    if (line.substr(0, 5) == "Hash:") continue;             // clearsign header
    if (line.substr(0, 2) == "- ") line.remove_prefix(2);  // dash-escaped line
    if (auto bsd = parse_bsd(line, tag, digits)) {
      out.lines.push_back(std::move(*bsd));
    } else if (auto gnu = parse_gnu(line, digits)) {
      out.lines.push_back(std::move(*gnu));
    } else if (is_hash(line, digits)) {
      out.lone_hashes.push_back(lower(line));
    } else {
      ++out.other_lines;
    }
  }
  return out;
}

}  // namespace

result<std::string> find_published_checksum(std::string_view sums_text, std::string_view file_name,
                                            checksum_kind kind) {
  if (kind == checksum_kind::sha256) {
    return error::invalid_argument("an inline sha256 has no published checksum file");
  }
  const auto wanted = strip_dot_slash(file_name);
  if (wanted.empty()) return error::invalid_argument("no file name to look up");
  const bool sha512 = kind == checksum_kind::sha512sums;
  const std::size_t digits = sha512 ? 128 : 64;
  const auto found = scan_text(sums_text, sha512 ? "SHA512" : "SHA256", digits);

  std::optional<std::string> hash;
  for (const auto& entry : found.lines) {
    if (entry.name != wanted) continue;
    if (hash && *hash != entry.hash) {
      return error::corruption("the checksum file lists two different hashes for '" +
                               std::string(wanted) + "'");
    }
    hash = entry.hash;
  }
  if (hash) return *hash;
  if (found.lines.empty() && found.other_lines == 0 && found.lone_hashes.size() == 1) {
    return found.lone_hashes.front();
  }
  return error::not_found("the checksum file has no " + std::string(sha512 ? "SHA-512" : "SHA-256") +
                          " for '" + std::string(wanted) + "'");
}

}  // namespace kaso::images
