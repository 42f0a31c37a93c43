// -o handling and JSON-to-text for table cells.
#include "cli/output.hpp"

#include <cstdio>
#include <iterator>

namespace kaso::cli {

void add_output_option(cxxopts::Options& options) {
  options.add_options()("o,output", "Output format: table or json",
                        cxxopts::value<std::string>()->default_value("table"), "FORMAT");
}

result<output_format> take_output_format(const cxxopts::ParseResult& parsed) {
  const auto& format = parsed["output"].as<std::string>();
  if (format == "table") return output_format::table;
  if (format == "json") return output_format::json;
  return error::invalid_argument("unknown output format '" + format + "' (use table or json)");
}

void print_json(std::ostream& out, const nlohmann::json& value) {
  out << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

std::string text_of(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string human_size(std::uint64_t bytes) {
  static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  // 1023.96 KiB would print as "1024.0 KiB": move up once it rounds to 1024.
  while (value >= 1023.95 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

std::string used_by_text(const nlohmann::json& object) {
  auto it = object.is_object() ? object.find("used_by") : object.end();
  if (it == object.end() || !it->is_array()) return text_of(object, "used_by");
  std::string text;
  for (const auto& user : *it) {
    std::string name = user.is_object()   ? text_of(user, "name")
                       : user.is_string() ? user.get<std::string>()
                                          : user.dump();
    text += (text.empty() ? "" : ", ") + name;
  }
  return text;
}

}  // namespace kaso::cli
