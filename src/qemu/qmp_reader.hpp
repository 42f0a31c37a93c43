// qmp_reader: splits a QMP byte stream into JSON messages.
//
// QMP sends one JSON object per line. Feed the reader bytes as they arrive, in chunks of any size,
// and take complete messages with next(). A line that is not a JSON object, or one longer than
// max_line_bytes, becomes an error (errc::corruption) in the output, in stream order, and the
// reader carries on with the next line. Blank lines are skipped; a trailing '\r' is whitespace.
// No I/O and no exceptions, so it can be fuzzed on its own.
//
// Not thread-safe: one owner (a qmp_client, or a test) uses it.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace kaso::qemu {

class qmp_reader {
 public:
  // query-qmp-schema answers ~200 KB in one line; this leaves ample room and still bounds memory.
  static constexpr std::size_t default_max_line_bytes = 16 * 1024 * 1024;

  explicit qmp_reader(std::size_t max_line_bytes = default_max_line_bytes);

  // Appends bytes; every line they complete is parsed and queued for next().
  void feed(std::string_view bytes);

  // The oldest complete message (or the error for a bad line); nullopt when none is complete.
  std::optional<result<nlohmann::json>> next();

  // Bytes of the incomplete last line held back until its newline arrives.
  std::size_t pending_bytes() const { return partial_.size(); }

 private:
  void finish_line(std::string_view line);

  std::size_t max_line_bytes_;
  std::string partial_;
  bool discarding_ = false;  // inside an over-long line: drop bytes up to its newline
  std::deque<result<nlohmann::json>> ready_;
};

}  // namespace kaso::qemu
