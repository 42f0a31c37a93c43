// The event-stream line and field rules.
#include "cli/events/sse_reader.hpp"

namespace kaso::cli::events {

result<std::vector<sse_message>> sse_reader::feed(std::string_view bytes) {
  std::vector<sse_message> out;
  for (char c : bytes) {
    if (after_cr_ && c == '\n') {
      after_cr_ = false;
      continue;
    }
    after_cr_ = c == '\r';
    if (c == '\n' || c == '\r') {
      take_line(line_, out);
      line_.clear();
      continue;
    }
    if (line_.size() >= max_line) {
      return error::invalid_argument("the event stream sent a line longer than " +
                                     std::to_string(max_line) + " bytes");
    }
    line_ += c;
  }
  return out;
}

void sse_reader::take_line(std::string_view line, std::vector<sse_message>& out) {
  if (line.empty()) {
    if (any_field_) out.push_back(std::move(current_));
    current_ = {};
    any_field_ = false;
    return;
  }
  if (line.front() == ':') {
    ++comments_;
    return;
  }
  auto colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (name == "data") {
    if (current_.data) {
      *current_.data += '\n';
      current_.data->append(value);
    } else {
      current_.data = std::string(value);
    }
  } else if (name == "id") {
    if (value.find('\0') != std::string_view::npos) return;
    current_.id = std::string(value);
  } else if (name == "event") {
    current_.event = std::string(value);
  } else {
    return;  // "retry" and unknown fields: nothing to keep
  }
  any_field_ = true;
}

}  // namespace kaso::cli::events
