// Table rendering: UTF-8 decoding for widths, wrapping, and the box drawing.
#include "cli/table.hpp"

#include <algorithm>

namespace kaso::cli {
namespace {

struct code_point {
  std::string_view bytes;  // the encoded character (one byte when invalid)
  char32_t value;
};

// Decodes the character at `text[at]`; an invalid or truncated sequence yields its first byte.
code_point decode(std::string_view text, std::size_t at) {
  auto b0 = static_cast<unsigned char>(text[at]);
  std::size_t length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3
                                      : (b0 >> 3) == 0x1e ? 4 : 0;
  if (length <= 1 || at + length > text.size()) return {text.substr(at, 1), b0};
  char32_t value = b0 & (0x7f >> length);
  for (std::size_t i = 1; i < length; ++i) {
    auto b = static_cast<unsigned char>(text[at + i]);
    if ((b >> 6) != 0x2) return {text.substr(at, 1), b0};
    value = (value << 6) | (b & 0x3f);
  }
  return {text.substr(at, length), value};
}

std::size_t width_of(char32_t c) {
  if ((c >= 0x0300 && c <= 0x036f) || (c >= 0x200b && c <= 0x200f) || c == 0xfe0f) return 0;
  bool wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
              (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
              (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
              (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
              (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
              (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
              (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd);
  return wide ? 2 : 1;
}

// Tabs become a space, other control characters '?': a cell cannot move the cursor.
std::string sanitize(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (char ch : line) {
    auto c = static_cast<unsigned char>(ch);
    out += c == '\t' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : ch;
  }
  return out;
}

std::vector<std::string> wrap_line(std::string_view line, std::size_t width) {
  if (width == 0 || display_width(line) <= width) return {std::string(line)};
  std::vector<std::string> out;
  std::string current;
  std::size_t current_width = 0;
  for (std::size_t at = 0; at < line.size();) {
    auto cp = decode(line, at);
    at += cp.bytes.size();
    auto w = width_of(cp.value);
    if (cp.bytes == " " && current_width + w > width) {  // a space at the limit: break here
      out.push_back(current);
      current.clear();
      current_width = 0;
      continue;
    }
    bool broke = false;
    while (!current.empty() && current_width + w > width) {
      auto space = current.rfind(' ');
      if (space != std::string::npos && space > 0) {
        out.push_back(current.substr(0, space));
        current.erase(0, space + 1);
        current_width = display_width(current);
      } else {
        out.push_back(current);
        current.clear();
        current_width = 0;
      }
      broke = true;
    }
    if (broke && current.empty() && cp.bytes == " ") continue;
    current += cp.bytes;
    current_width += w;
  }
  out.push_back(current);
  return out;
}

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string rule(const std::vector<std::size_t>& widths, std::string_view left,
                 std::string_view middle, std::string_view right) {
  std::string out(left);
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (i > 0) out += middle;
    out += repeat("─", widths[i] + 2);
  }
  out += right;
  out += '\n';
  return out;
}

// One table row, a cell's lines stacked; the row is as tall as its tallest cell.
std::string row_lines(const std::vector<std::vector<std::string>>& cells,
                      const std::vector<std::size_t>& widths) {
  std::size_t height = 1;
  for (const auto& c : cells) height = std::max(height, c.size());
  std::string out;
  for (std::size_t line = 0; line < height; ++line) {
    out += "│";
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string& text = line < cells[i].size() ? cells[i][line] : std::string();
      out += ' ';
      out += text;
      out += std::string(widths[i] - display_width(text), ' ');
      out += " │";
    }
    out += '\n';
  }
  return out;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t at = 0; at < text.size();) {
    auto cp = decode(text, at);
    at += cp.bytes.size();
    width += width_of(cp.value);
  }
  return width;
}

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto end = text.find('\n', start);
    auto line = sanitize(text.substr(start, end == std::string_view::npos ? end : end - start));
    for (auto& piece : wrap_line(line, width)) out.push_back(std::move(piece));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::string render(const table& t) {
  const std::size_t columns = t.headers.size();
  auto limit = [&](std::size_t i) { return i < t.max_widths.size() ? t.max_widths[i] : 0; };
  std::vector<std::size_t> widths(columns, 0);
  auto measure = [&](const std::vector<std::vector<std::string>>& cells) {
    for (std::size_t i = 0; i < columns; ++i) {
      for (const auto& line : cells[i]) widths[i] = std::max(widths[i], display_width(line));
    }
  };

  std::vector<std::vector<std::string>> header(columns);
  for (std::size_t i = 0; i < columns; ++i) header[i] = wrap(t.headers[i], 0);
  measure(header);
  std::vector<std::vector<std::vector<std::string>>> body;
  for (const auto& row : t.rows) {
    std::vector<std::vector<std::string>> cells(columns);
    for (std::size_t i = 0; i < columns; ++i) {
      cells[i] = wrap(i < row.size() ? row[i] : std::string(), limit(i));
    }
    measure(cells);
    body.push_back(std::move(cells));
  }

  std::string out = rule(widths, "╭", "┬", "╮");
  out += row_lines(header, widths);
  out += rule(widths, "├", "┼", "┤");
  for (const auto& cells : body) out += row_lines(cells, widths);
  out += rule(widths, "╰", "┴", "╯");
  return out;
}

std::string render_fields(const std::vector<field>& fields, std::size_t value_width) {
  table t{{"Field", "Value"}, {}, {0, value_width}};
  for (const auto& f : fields) t.rows.push_back({f.name, f.value});
  return render(t);
}

}  // namespace kaso::cli
