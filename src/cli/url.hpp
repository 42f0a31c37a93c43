// Building API paths: one percent-encoded path segment for a name the user typed, and a query
// string. api_client sends paths exactly as built here (httplib's own encoding is off). Pure
// functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kaso::cli {

// Encodes every byte except the unreserved ones (A-Z a-z 0-9 - . _ ~): "a b/c" -> "a%20b%2Fc".
std::string percent_encode(std::string_view text);

// "?since=3&kind=identity" from the pairs in order, each value encoded; "" for no pairs.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace kaso::cli
