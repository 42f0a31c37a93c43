// Small text helpers shared by the downloader's files: ASCII case folding and trimming of header
// text, hex-digest shape checks, and finding a URL's user:password so it never reaches a message.
//
// Private to src/images (the downloader and its transfer code). Pure functions: any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kaso::images {

// ASCII lower case; other bytes unchanged.
std::string lower(std::string_view s);

bool starts_with_nocase(std::string_view s, std::string_view prefix);

// Without leading and trailing spaces, tabs, CR and LF.
std::string_view trim(std::string_view s);

// Exactly n hex digits, either case.
bool is_hex_of_length(std::string_view s, std::size_t n);

// The user:password part of a URL ("" if none); a view into `url`.
std::string_view userinfo_of(std::string_view url);

// Removes any trace of the URL's credentials from a library message.
std::string scrub(std::string message, std::string_view url);

}  // namespace kaso::images
