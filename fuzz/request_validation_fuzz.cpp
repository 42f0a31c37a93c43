// Fuzz target: any bytes as the body of POST /api/v1/identities and POST /api/v1/images, through
// the same body parsing and the same deciders as the server. Nothing crashes or throws, and
// whatever a decider accepts holds only safe names and single-line, control-free text.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "domain/identity.hpp"
#include "domain/image.hpp"
#include "domain/names.hpp"
#include "http/json_io.hpp"

namespace {

std::optional<std::string> text(const nlohmann::json& body, const char* key) {
  auto v = kaso::http::optional_string(body, key);
  return v.ok() ? v.value() : std::nullopt;
}

void check_accepted(const std::vector<kaso::events::event>& events) {
  for (const auto& e : events) {
    for (const char* key : {"name", "image_name"}) {
      if (e.payload.contains(key) && !kaso::domain::validate_name("x", e.payload[key].get<std::string>()).ok()) {
        std::abort();
      }
    }
    for (const auto& [key, value] : e.payload.items()) {
      if (value.is_string() && kaso::domain::has_control_characters(value.get<std::string>())) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  httplib::Request req;
  req.body.assign(reinterpret_cast<const char*>(data), size);
  auto identity = kaso::http::parse_object(req, {"name", "public_key", "gecos", "homedir", "shell"});
  if (identity.ok()) {
    kaso::domain::create_identity c;
    c.fields.name = text(identity.value(), "name");
    c.fields.public_key = text(identity.value(), "public_key");
    c.fields.gecos = text(identity.value(), "gecos");
    c.fields.homedir = text(identity.value(), "homedir");
    c.fields.shell = text(identity.value(), "shell");
    auto decided = kaso::domain::decide(kaso::domain::identities{}, c);
    if (decided.ok()) check_accepted(decided.value());
  }
  auto image = kaso::http::parse_object(req, {"name", "url", "file", "sha256"});
  if (image.ok()) {
    kaso::domain::start_image_task c;
    c.name = text(image.value(), "name").value_or("");
    if (auto url = text(image.value(), "url")) c.source = {"url", *url, "", ""};
    if (auto file = text(image.value(), "file")) c.source = {"file", "", "", *file};
    c.sha256 = text(image.value(), "sha256").value_or("");
    auto decided = kaso::domain::decide(kaso::domain::images{}, c);
    if (decided.ok()) check_accepted(decided.value());
  }
  return 0;
}
