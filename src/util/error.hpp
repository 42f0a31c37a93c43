// kaso::error and kaso::result<T>: the one error type of Kaso Mashin.
//
// Every adapter that calls a library (RocksDB, nlohmann, cxxopts, filesystem, libcurl) turns the
// library's failure into an `error` right there; nothing else crosses our module boundaries. One
// place (src/http/error_mapping) maps an `errc` to an HTTP status. Value types: any thread may use
// them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kaso {

// Stored in events and sent over the API as strings (see to_string): never renumber the strings.
enum class errc : std::uint8_t {
  invalid_argument = 1,  // the request itself is wrong: 400
  not_found,             // 404
  already_exists,        // 409
  conflict,              // the object is in a state that forbids this (in use, running): 409
  payload_too_large,     // 413
  unauthenticated,       // 401
  permission_denied,     // 403
  io_error,              // 500
  corruption,            // 500
  unavailable,           // the server cannot do it now (shutting down, store failed): 503
  timeout,               // 504
  internal,              // 500
  cancelled,             // 499-like, reported as 409
};

std::string_view to_string(errc code);

class error {
 public:
  error(errc code, std::string message) : code_(code), message_(std::move(message)) {}

  static error invalid_argument(std::string m) { return {errc::invalid_argument, std::move(m)}; }
  static error not_found(std::string m) { return {errc::not_found, std::move(m)}; }
  static error already_exists(std::string m) { return {errc::already_exists, std::move(m)}; }
  static error conflict(std::string m) { return {errc::conflict, std::move(m)}; }
  static error io_error(std::string m) { return {errc::io_error, std::move(m)}; }
  static error corruption(std::string m) { return {errc::corruption, std::move(m)}; }
  static error unavailable(std::string m) { return {errc::unavailable, std::move(m)}; }
  static error timeout(std::string m) { return {errc::timeout, std::move(m)}; }
  static error internal(std::string m) { return {errc::internal, std::move(m)}; }
  static error permission_denied(std::string m) { return {errc::permission_denied, std::move(m)}; }

  errc code() const { return code_; }
  const std::string& message() const { return message_; }
  // "not_found: identity 'x' does not exist"
  std::string to_string() const;

 private:
  errc code_;
  std::string message_;
};

// Either a T or an error. Deliberately small: ok(), value(), error(), and nothing clever.
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}
  result(kaso::error e) : v_(std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // REQUIRES: ok()
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  // REQUIRES: !ok()
  const kaso::error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, kaso::error> v_;
};

// For operations with nothing to return.
struct ok_t {
  friend bool operator==(ok_t, ok_t) = default;
};
using status = result<ok_t>;
inline status ok_status() { return ok_t{}; }

}  // namespace kaso
