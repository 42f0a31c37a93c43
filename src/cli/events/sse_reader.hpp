// sse_reader: the client side of server-sent events (the WHATWG "text/event-stream" format), fed
// the bytes of a stream in whatever pieces they arrive and giving back each complete message.
//
// Lines end in "\n", "\r\n" or "\r"; a blank line ends a message. "data: x" lines are joined with
// '\n'; "id: N" sets the message's id (an id holding NUL is ignored, as the standard says); lines
// starting with ':' are comments; other fields ("event", "retry") are kept or ignored as below.
// A message with no field at all (two blank lines) is not reported. One value per stream; one
// thread. Pure: no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace kaso::cli::events {

struct sse_message {
  std::optional<std::string> id;    // the "id" field, if the message had one
  std::optional<std::string> data;  // the "data" lines joined; empty optional: no data line
  std::string event;                // the "event" field; "" when absent
};

class sse_reader {
 public:
  // A line longer than this is an error (a server that never ends its line).
  static constexpr std::size_t max_line = 16 * 1024 * 1024;

  // The messages that `bytes` completes, in order. An error (a line over max_line) leaves the
  // reader unusable.
  result<std::vector<sse_message>> feed(std::string_view bytes);

  // Comments seen so far (keep-alives), for a caller that wants to know the stream is alive.
  std::size_t comments() const { return comments_; }

 private:
  void take_line(std::string_view line, std::vector<sse_message>& out);

  std::string line_;
  bool after_cr_ = false;  // the last byte was '\r': a following '\n' belongs to it
  bool any_field_ = false;
  sse_message current_;
  std::size_t comments_ = 0;
};

}  // namespace kaso::cli::events
