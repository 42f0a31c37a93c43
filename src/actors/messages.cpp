#include "actors/messages.hpp"

namespace kaso::actors {
namespace {
constexpr caf::atom_value category = caf::atom("kaso");
}

caf::error to_caf(const kaso::error& e) {
  return caf::error(static_cast<std::uint8_t>(e.code()), category, caf::make_message(e.message()));
}

kaso::error from_caf(const caf::error& e) {
  if (e.category() == category) {
    std::string message;
    if (e.context().match_elements<std::string>()) message = e.context().get_as<std::string>(0);
    return kaso::error(static_cast<errc>(e.code()), std::move(message));
  }
  if (e == caf::sec::request_timeout) return error::timeout("the server did not answer in time");
  // The actor is gone: the server is shutting down, or a supervisor is restarting it (for a few
  // milliseconds); either way the request may be tried again.
  if (e == caf::sec::request_receiver_down) return error::unavailable("the server is shutting down or restarting a part of itself; try again");
  return error::internal("actor failure: " + caf::to_string(e));
}

}  // namespace kaso::actors
