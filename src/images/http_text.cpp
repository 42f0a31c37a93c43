// Text helpers for the downloader: see http_text.hpp.
#include "images/http_text.hpp"

#include <algorithm>

namespace kaso::images {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

bool is_hex_of_length(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

std::string_view userinfo_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  const std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto authority_end = std::min(url.find_first_of("/?#", start), url.size());
  const auto authority = url.substr(start, authority_end - start);
  const auto at = authority.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : authority.substr(0, at);
}

std::string scrub(std::string message, std::string_view url) {
  const auto userinfo = userinfo_of(url);
  if (userinfo.empty()) return message;
  for (auto pos = message.find(userinfo); pos != std::string::npos;
       pos = message.find(userinfo, pos)) {
    message.replace(pos, userinfo.size(), "***");
  }
  return message;
}

}  // namespace kaso::images
