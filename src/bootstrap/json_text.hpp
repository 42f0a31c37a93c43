// to_safe_json: JSON text that is also a safe YAML document, for the cloud-init files (which
// cloud-init reads with PyYAML). Pure: any thread.
//
// nlohmann writes every control character, quote, backslash and non-ASCII character as an escape
// (ensure_ascii) and turns invalid UTF-8 into U+FFFD. One difference between JSON and YAML
// remains: PyYAML decodes a "\ud83d\ude00" surrogate pair into two lone surrogates, which
// cloud-init cannot encode later. So each escaped surrogate pair is written as the raw UTF-8 of
// its character instead (valid JSON, and printable YAML).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kaso::bootstrap {

// Indented by 2 spaces, keys in insertion order, no trailing newline.
std::string to_safe_json(const nlohmann::ordered_json& document);

}  // namespace kaso::bootstrap
