#include "cli/did_you_mean.hpp"

#include <algorithm>

namespace kaso::cli {
namespace {

// The optimal string alignment distance: insertions, deletions, substitutions, and a swap of two
// neighbouring letters, each one edit.
std::size_t edits(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string straight_quotes(std::string text) {
  for (const std::string_view curly : {"\u2018", "\u2019"}) {
    for (auto at = text.find(curly); at != std::string::npos; at = text.find(curly, at)) text.replace(at, curly.size(), "'");
  }
  return text;
}

}  // namespace

std::string nearest(std::string_view typed, const std::vector<std::string>& known) {
  constexpr std::size_t max_typed = 64;  // longer is no typo of a word of ours (and bounds the work)
  const auto letters = typed.substr(std::min(typed.find_first_not_of('-'), typed.size()));
  if (letters.size() < 3 || typed.size() > max_typed) return "";  // "-z" is no typo of "-h"
  const std::size_t allowed = std::min<std::size_t>(2, std::max<std::size_t>(1, letters.size() / 3));
  std::string best;
  std::size_t best_edits = allowed + 1;
  for (const auto& word : known) {
    if (word == typed) return "";
    auto e = edits(typed, word);
    if (e < best_edits) {
      best = word;
      best_edits = e;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view typed, const std::vector<std::string>& known) {
  auto word = nearest(typed, known);
  return word.empty() ? "" : " (did you mean '" + word + "'?)";
}

std::vector<std::string> option_words(const cxxopts::Options& options) {
  std::vector<std::string> out;
  for (const auto& group : options.groups()) {
    for (const auto& o : options.group_help(group).options) {
      for (const auto& l : o.l) out.push_back("--" + l);
      if (!o.s.empty()) out.push_back("-" + o.s);
    }
  }
  return out;
}

std::string option_error_text(const cxxopts::exceptions::exception& e, const std::vector<std::string>& known) {
  auto text = straight_quotes(e.what());
  // "Option 'outptu' does not exist": cxxopts names an option without its dashes.
  constexpr std::string_view prefix = "Option '";
  auto close = text.rfind(prefix, 0) == 0 ? text.find('\'', prefix.size()) : std::string::npos;
  if (close == std::string::npos) return text;
  auto name = text.substr(prefix.size(), close - prefix.size());
  auto typed = (name.size() == 1 ? "-" : "--") + name;
  auto said = "option '" + typed + "'" + text.substr(close + 1);
  if (dynamic_cast<const cxxopts::exceptions::no_such_option*>(&e) == nullptr) return said;
  return said + did_you_mean(typed, known);
}

}  // namespace kaso::cli
