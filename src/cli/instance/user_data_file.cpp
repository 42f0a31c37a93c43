#include "cli/instance/user_data_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace kaso::cli::instance {

result<std::string> read_user_data_file(const std::string& path, const std::string& option) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error::io_error("cannot read " + option + " " + path + ": " + std::strerror(errno));
  std::string text(max_user_data_file + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return error::io_error("cannot read " + option + " " + path);
  if (text.size() > max_user_data_file) {
    return error::invalid_argument(option + " " + path + " is larger than " + std::to_string(max_user_data_file / 1024) +
                                   " KiB");
  }
  return text;
}

}  // namespace kaso::cli::instance
