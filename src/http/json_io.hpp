// Reading request bodies and writing responses: the one place that maps an errc to an HTTP
// status, writes the error body {"error": {"code", "message"}}, and turns nlohmann's parse and
// type exceptions into invalid_argument. Called from HTTP handler threads.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso::http {

int status_for(errc code);

void write_json(httplib::Response& res, int status, const nlohmann::json& body);
void write_error(httplib::Response& res, const error& e);

// Parses the body as a JSON object whose keys are all in `allowed`; unknown keys, a body that is
// not an object, and malformed JSON are invalid_argument.
result<nlohmann::json> parse_object(const httplib::Request& req,
                                    std::initializer_list<std::string_view> allowed);

// Reads an optional string member; present with another type -> invalid_argument.
result<std::optional<std::string>> optional_string(const nlohmann::json& body, const char* key);

}  // namespace kaso::http
