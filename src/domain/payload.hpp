// Reading event payloads in the folds without ever throwing (issue #18): a log may hold events a
// fold did not write (imported, from another version, damaged but still decodable), and a fold
// that throws would abort a rebuild. A member that is missing or of another type leaves the value
// as it was. Private to src/domain.
#pragma once

#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace kaso::domain::payload {

// p[key] into `out` when p is an object holding key with the right type (a string, a bool, or an
// integer for integral T); otherwise `out` is left as it is.
template <class T>
void take(const nlohmann::json& p, const char* key, T& out) {
  if (!p.is_object()) return;
  auto it = p.find(key);
  if (it == p.end()) return;
  if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) out = it->template get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (it->is_boolean()) out = it->template get<bool>();
  } else {
    static_assert(std::is_integral_v<T>);
    if (it->is_number_unsigned() || it->is_number_integer()) out = it->template get<T>();
  }
}

// p[key] when it is a string, else "".
inline std::string text(const nlohmann::json& p, const char* key) {
  std::string out;
  take(p, key, out);
  return out;
}

// p[key] when it is an integer, else `otherwise`.
template <class T>
T number(const nlohmann::json& p, const char* key, T otherwise) {
  take(p, key, otherwise);
  return otherwise;
}

// p[key] when it is an object, else an empty object.
inline const nlohmann::json& object(const nlohmann::json& p, const char* key) {
  static const nlohmann::json empty = nlohmann::json::object();
  if (!p.is_object()) return empty;
  auto it = p.find(key);
  return it != p.end() && it->is_object() ? *it : empty;
}

}  // namespace kaso::domain::payload
