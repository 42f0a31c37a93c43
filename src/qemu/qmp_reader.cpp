// qmp_reader: see qmp_reader.hpp.
#include "qemu/qmp_reader.hpp"

#include <exception>

namespace kaso::qemu {
namespace {

std::string excerpt(std::string_view line) {
  std::string out;
  for (unsigned char c : line.substr(0, 60)) {
    out += (c < 0x20 || c >= 0x7f) ? '?' : static_cast<char>(c);
  }
  return line.size() > 60 ? out + "..." : out;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

qmp_reader::qmp_reader(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

void qmp_reader::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    std::size_t newline = bytes.find('\n');
    std::string_view piece = bytes.substr(0, newline);
    bytes = newline == std::string_view::npos ? std::string_view{} : bytes.substr(newline + 1);
    bool line_complete = newline != std::string_view::npos;
    if (discarding_) {
      discarding_ = !line_complete;
      continue;
    }
    if (partial_.size() + piece.size() > max_line_bytes_) {
      ready_.emplace_back(error::corruption("QMP message longer than " +
                                            std::to_string(max_line_bytes_) + " bytes"));
      partial_.clear();
      discarding_ = !line_complete;
      continue;
    }
    if (!line_complete) {
      partial_.append(piece);
      continue;
    }
    if (partial_.empty()) {
      finish_line(piece);
    } else {
      partial_.append(piece);
      finish_line(partial_);
      partial_.clear();
    }
  }
}

void qmp_reader::finish_line(std::string_view line) {
  if (is_blank(line)) {
    return;
  }
  try {
    nlohmann::json message = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) {
      ready_.emplace_back(error::corruption("malformed QMP message: " + excerpt(line)));
    } else if (!message.is_object()) {
      ready_.emplace_back(error::corruption("QMP message is not an object: " + excerpt(line)));
    } else {
      ready_.emplace_back(std::move(message));
    }
  } catch (const std::exception& e) {  // allocation failure; the parser itself does not throw
    ready_.emplace_back(error::corruption(std::string{"cannot parse QMP message: "} + e.what()));
  }
}

std::optional<result<nlohmann::json>> qmp_reader::next() {
  if (ready_.empty()) {
    return std::nullopt;
  }
  result<nlohmann::json> message = std::move(ready_.front());
  ready_.pop_front();
  return message;
}

}  // namespace kaso::qemu
