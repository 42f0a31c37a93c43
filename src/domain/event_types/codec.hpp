// The one codec of the domain's event types (issue #18): every event type is a struct in this
// folder with its frozen type string, its schema version and its member list (`fields()`, written
// once); `encode` makes its payload and `decode` reads it back, both generated from that list.
// Pure functions; any thread. Header-only because it is generic; the folds' reporting of what
// decode found is in fold_rules.hpp.
//
// Decoding never throws and keeps the folds' tolerance of old and damaged logs:
//   - an unusable payload (not an object, another schema, a `required` member missing or
//     mistyped) is an error: the fold reports it and skips the event, as the store skips an
//     undecodable record;
//   - a member that is missing keeps its default (`always`) or stays unset (`when_set`,
//     `null_when_unset`): old logs lack members added later, and `modified` events carry only the
//     members that changed;
//   - a member of another type (or an integer out of range) is treated as missing, and named in
//     `decoded::defaulted` so that the fold can report it; an element of a list or a value of a
//     map that does not decode is dropped and named the same way.
// Members the list does not name are ignored (a newer server's additions).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/event.hpp"
#include "util/error.hpp"

namespace kaso::domain {

// How a member appears in the stored payload.
enum class presence {
  always,           // always written; missing or mistyped: the member's default
  required,         // always written; missing or mistyped: the payload is unusable
  when_set,         // a std::optional, written only when set (a `modified` event's changes)
  null_when_unset,  // a std::optional, written as null when unset
};

// One member of an event struct: its frozen JSON name and where it lives.
template <class S, class T>
struct field {
  const char* name;
  T S::*member;
  presence kind = presence::always;
};
template <class S, class T>
field(const char*, T S::*) -> field<S, T>;
template <class S, class T>
field(const char*, T S::*, presence) -> field<S, T>;

// A decoded event and the members that were of another type (and so left at their defaults).
template <class T>
struct decoded {
  T event;
  std::vector<std::string> defaulted;
};

namespace codec_detail {

using nlohmann::json;

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T>
struct is_string_map<std::map<std::string, T>> : std::true_type {};

// A struct's member list: its static fields(), or, for a domain struct that an event carries
// whole (image_source, guest_mount), a `fields(std::type_identity<T>)` found by ADL.
template <class T>
constexpr auto fields_of() {
  if constexpr (requires { T::fields(); }) {
    return T::fields();
  } else {
    return fields(std::type_identity<T>{});
  }
}

// ---- encoding: strings, booleans and integers as themselves, vectors as arrays, string maps
// and structs with fields() as objects.

template <class T>
json put(const T& v);

template <class T>
json put_fields(const T& v) {
  json out = json::object();
  std::apply(
      [&](const auto&... f) {
        [[maybe_unused]] auto one = [&](const auto& fd) {
          const auto& m = v.*fd.member;
          using M = std::remove_cvref_t<decltype(m)>;
          if constexpr (is_optional<M>::value) {
            if (m) {
              out[fd.name] = put(*m);
            } else if (fd.kind == presence::null_when_unset) {
              out[fd.name] = nullptr;
            }
          } else {
            out[fd.name] = put(m);
          }
        };
        (one(f), ...);
      },
      fields_of<T>());
  return out;
}

template <class T>
json put(const T& v) {
  if constexpr (std::is_same_v<T, std::string> || std::is_arithmetic_v<T>) {
    return v;
  } else if constexpr (is_vector<T>::value) {
    json a = json::array();
    for (const auto& x : v) a.push_back(put(x));
    return a;
  } else if constexpr (is_string_map<T>::value) {
    json o = json::object();
    for (const auto& [k, x] : v) o[k] = put(x);
    return o;
  } else {
    return put_fields(v);
  }
}

// ---- decoding: false when `j` is not of T's kind; never throws. `notes` collects what was
// dropped inside (a list's element, a map's value, a nested struct's member), prefixed by `at`.

template <class T>
bool get(const json& j, T& out, const std::string& at, std::vector<std::string>& notes);

template <class T>
bool get_integer(const json& j, T& out) {
  if (j.is_number_unsigned()) {
    auto u = j.get<std::uint64_t>();
    if (!std::in_range<T>(u)) return false;
    out = static_cast<T>(u);
    return true;
  }
  if (j.is_number_integer()) {
    auto s = j.get<std::int64_t>();
    if (!std::in_range<T>(s)) return false;
    out = static_cast<T>(s);
    return true;
  }
  return false;
}

// The members of a struct from the object `j` (REQUIRES: j.is_object()). Returns the name of a
// `required` member that is missing or mistyped, or "" when the struct is usable.
template <class T>
std::string get_fields(const json& j, T& out, const std::string& at, std::vector<std::string>& notes) {
  std::string unusable;
  std::apply(
      [&](const auto&... f) {
        [[maybe_unused]] auto one = [&](const auto& fd) {
          auto& m = out.*fd.member;
          using M = std::remove_cvref_t<decltype(m)>;
          const std::string name = at + fd.name;
          auto it = j.find(fd.name);
          bool absent = it == j.end();
          if constexpr (is_optional<M>::value) {
            m.reset();
            if (absent || it->is_null()) return;
            typename M::value_type v{};
            if (get(*it, v, name + ".", notes)) {
              m = std::move(v);
            } else {
              notes.push_back(name);
            }
          } else {
            if (!absent) {
              M v{};
              if (get(*it, v, name + ".", notes)) {
                m = std::move(v);
                return;
              }
              if (fd.kind != presence::required) notes.push_back(name);
            }
            if (fd.kind == presence::required && unusable.empty()) unusable = name;
          }
        };
        (one(f), ...);
      },
      fields_of<T>());
  return unusable;
}

template <class T>
bool get(const json& j, T& out, const std::string& at, std::vector<std::string>& notes) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) return false;
    out = j.get_ref<const std::string&>();
    return true;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) return false;
    out = j.get<bool>();
    return true;
  } else if constexpr (std::is_integral_v<T>) {
    return get_integer(j, out);
  } else if constexpr (is_vector<T>::value) {
    if (!j.is_array()) return false;
    out.clear();
    for (std::size_t k = 0; k < j.size(); ++k) {
      typename T::value_type x{};
      const std::string where = at.substr(0, at.size() - 1) + "[" + std::to_string(k) + "]";
      if (get(j[k], x, where + ".", notes)) {
        out.push_back(std::move(x));
      } else {
        notes.push_back(where);
      }
    }
    return true;
  } else if constexpr (is_string_map<T>::value) {
    if (!j.is_object()) return false;
    out.clear();
    for (const auto& [k, v] : j.items()) {
      typename T::mapped_type x{};
      if (get(v, x, at + k + ".", notes)) {
        out.emplace(k, std::move(x));
      } else {
        notes.push_back(at + k);
      }
    }
    return true;
  } else {
    if (!j.is_object()) return false;
    return get_fields(j, out, at, notes).empty();
  }
}

}  // namespace codec_detail

// The payload of `e`, exactly as the deciders wrote it before these types existed (the golden
// tests pin it): members in the list, unset optionals left out (or null, as the list says).
template <class T>
nlohmann::json encode(const T& e) {
  return codec_detail::put_fields(e);
}

// The aggregate kind of an event type: its type string up to the dot ("instance.started" ->
// "instance").
constexpr std::string_view kind_of(std::string_view type) { return type.substr(0, type.find('.')); }

// The whole event for aggregate `id` at `version` (seq, time and cause are the store's and the
// caller's to set).
template <class T>
events::event make_event(const T& e, std::string id, std::uint64_t version) {
  events::event out;
  out.kind = std::string(kind_of(T::type));
  out.id = std::move(id);
  out.version = version;
  out.type = std::string(T::type);
  out.schema = T::schema;
  out.payload = encode(e);
  return out;
}
template <class T>
events::event make_event(const T& e, std::uint64_t id, std::uint64_t version) {
  return make_event(e, std::to_string(id), version);
}

// The struct in `e`, or why `e` cannot be folded as a T (see the top of this file). Never throws.
template <class T>
result<decoded<T>> decode(const events::event& e) {
  const std::string what = std::string(T::type);
  if (e.type != T::type) return error::invalid_argument("a " + e.type + " event decoded as " + what);
  if (e.schema != T::schema) {
    return error::corruption(what + " of schema " + std::to_string(e.schema) + ", this server reads schema " +
                             std::to_string(T::schema));
  }
  if (!e.payload.is_object()) return error::corruption(what + ": the payload is not an object");
  decoded<T> out;
  auto unusable = codec_detail::get_fields(e.payload, out.event, "", out.defaulted);
  if (!unusable.empty()) return error::corruption(what + ": " + unusable + " is missing or mistyped");
  return out;
}

}  // namespace kaso::domain
