// Tables drawn with rounded box characters, like the original's (Rich) output:
//
//   ╭────┬───────╮
//   │ ID │ Name  │
//   ├────┼───────┤
//   │ 1  │ mrmat │
//   ╰────┴───────╯
//
// A cell may hold several lines ('\n'), and a column may have a maximum width beyond which its
// lines are wrapped (at a space when there is one). Widths count terminal columns, not bytes:
// box characters and most characters count one, East Asian wide characters two. Control
// characters in cells are shown as '?', so a value cannot move the cursor. Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kaso::cli {

struct table {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;     // a short row is padded with empty cells
  std::vector<std::size_t> max_widths;            // per column; 0 or absent: no limit
};

// The table, each line ending in '\n'.
std::string render(const table& t);

// One object as a two-column "Field | Value" table; values wider than `value_width` wrap.
struct field {
  std::string name;
  std::string value;
};
inline constexpr std::size_t default_value_width = 58;  // keeps a get view within 80 columns
std::string render_fields(const std::vector<field>& fields,
                          std::size_t value_width = default_value_width);

// Terminal columns taken by UTF-8 `text` (an invalid byte counts one).
std::size_t display_width(std::string_view text);

// `text` split at '\n', then each line wrapped to at most `width` columns (0: no wrapping).
std::vector<std::string> wrap(std::string_view text, std::size_t width);

}  // namespace kaso::cli
