// temp_dir: a fresh directory under /tmp for one test, removed with everything in it on
// destruction. Test helper; one test (one thread) owns it.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace kaso::bootstrap {

class temp_dir {
 public:
  // `prefix` becomes part of the directory name under /tmp.
  explicit temp_dir(const std::string& prefix = "kaso-bootstrap-test-") {
    std::string templ = "/tmp/" + prefix + "XXXXXX";
    if (::mkdtemp(templ.data()) != nullptr) {
      path_ = templ;
    }
  }
  ~temp_dir() {
    std::error_code ignored;
    if (!path_.empty()) {
      std::filesystem::remove_all(path_, ignored);
    }
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace kaso::bootstrap
