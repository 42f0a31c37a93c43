// Progress text: the Rich-like bar and its columns.
#include "cli/task/progress.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "cli/output.hpp"
#include "cli/table.hpp"

namespace kaso::cli::task {
namespace {

// Rich's default styles: bar.complete, bar.finished, bar.back.
constexpr std::string_view complete_colour = "\x1b[38;2;249;38;114m";
constexpr std::string_view finished_colour = "\x1b[38;2;114;156;31m";
constexpr std::string_view back_colour = "\x1b[38;2;58;58;58m";
constexpr std::string_view reset = "\x1b[0m";

std::uint64_t unsigned_of(const nlohmann::json& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer()) {
    return static_cast<std::uint64_t>(std::max<std::int64_t>(it->get<std::int64_t>(), 0));
  }
  return static_cast<std::uint64_t>(std::max(it->get<double>(), 0.0));
}

std::string repeat(std::string_view piece, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += piece;
  return s;
}

// Rich's bar: a heavy line for what is done, a half line for an odd half cell.
std::string bar(const task_progress& p, bool colour, std::size_t bar_width) {
  const std::uint64_t done = std::min(p.done, p.total);
  const auto halves = static_cast<std::size_t>(
      static_cast<long double>(done) * 2 * bar_width / static_cast<long double>(p.total));
  const std::size_t full = halves / 2, half = halves % 2;
  std::string s = repeat("━", full) + repeat("╸", half);
  std::size_t rest = bar_width - full - half;
  if (!colour) return s + std::string(rest, ' ');
  std::string tail;
  if (rest > 0 && half == 0 && full > 0) {
    tail = "╺";
    --rest;
  }
  tail += repeat("━", rest);
  std::string out(done >= p.total ? finished_colour : complete_colour);
  out += s;
  if (!tail.empty()) out.append(back_colour).append(tail);
  return out.append(reset);
}

// The unit of `total` as Rich's DownloadColumn picks it: the largest one it reaches.
std::pair<double, const char*> unit_of(std::uint64_t total) {
  static constexpr const char* suffixes[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double unit = 1;
  std::size_t i = 0;
  while (i + 1 < std::size(suffixes) && static_cast<double>(total) >= unit * 1024) {
    unit *= 1024;
    ++i;
  }
  return {unit, suffixes[i]};
}

std::string fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace

task_progress progress_of(const nlohmann::json& task) {
  task_progress p;
  if (!task.is_object()) return p;
  auto it = task.find("progress");
  if (it == task.end() || !it->is_object()) return p;
  p.done = unsigned_of(*it, "done");
  p.total = unsigned_of(*it, "total");
  auto rate = it->find("rate");
  if (rate != it->end() && rate->is_number()) p.rate = std::max(rate->get<double>(), 0.0);
  return p;
}

std::string task_label(const nlohmann::json& task) {
  std::string kind = text_of(task, "kind");
  std::string action = kind.substr(kind.find('.') + 1);  // "image.download" -> "download"
  if (!action.empty()) {
    action[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(action[0])));
  }
  const nlohmann::json object =
      task.is_object() && task.contains("object") ? task["object"] : nlohmann::json();
  std::string label = action.empty() ? "Task " + text_of(task, "id") : action;
  for (const char* key : {"kind", "name"}) {
    if (auto part = text_of(object, key); !part.empty()) label += " " + part;
  }
  return label + "...";
}

std::string percent_text(const task_progress& p) {
  if (p.total == 0) return {};
  auto percent = std::min<std::uint64_t>(
      static_cast<std::uint64_t>(static_cast<long double>(p.done) * 100 / p.total), 100);
  return std::to_string(percent) + "%";
}

std::string amount_text(const task_progress& p) {
  if (p.total == 0) return human_size(p.done);
  auto [unit, suffix] = unit_of(p.total);
  int decimals = unit == 1 ? 0 : 1;
  return fixed(static_cast<double>(p.done) / unit, decimals) + "/" +
         fixed(static_cast<double>(p.total) / unit, decimals) + " " + suffix;
}

std::string rate_text(const task_progress& p) {
  if (p.rate <= 0) return "?/s";
  return human_size(static_cast<std::uint64_t>(p.rate)) + "/s";
}

std::string eta_text(const task_progress& p) {
  if (p.total == 0 || p.rate <= 0) return "-:--:--";
  const std::uint64_t left = p.total > p.done ? p.total - p.done : 0;
  auto seconds = static_cast<std::uint64_t>(std::ceil(static_cast<double>(left) / p.rate));
  char text[32];
  std::snprintf(text, sizeof text, "%llu:%02llu:%02llu",
                static_cast<unsigned long long>(seconds / 3600),
                static_cast<unsigned long long>(seconds / 60 % 60),
                static_cast<unsigned long long>(seconds % 60));
  return text;
}

std::string progress_line(std::string_view label, const task_progress& p, bool colour,
                          std::size_t bar_width) {
  std::string line(label);
  if (p.total == 0) return line + " " + amount_text(p) + " " + rate_text(p);
  if (bar_width > 0) line += " " + bar(p, colour, bar_width);
  std::string percent = percent_text(p);
  return line + " " + std::string(4 - percent.size(), ' ') + percent + " " + amount_text(p) +
         " " + rate_text(p) + " ETA " + eta_text(p);
}

std::size_t fitting_bar_width(std::string_view label, const task_progress& p,
                              std::size_t columns) {
  if (p.total == 0) return 0;
  const std::size_t text = display_width(progress_line(label, p, false, 0));
  const std::size_t room = text + 2;  // the space before the bar, the column kept free
  return columns > room ? std::min(max_bar_width, columns - room) : 0;
}

}  // namespace kaso::cli::task
