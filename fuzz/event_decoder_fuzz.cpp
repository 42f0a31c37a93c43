// Fuzz target: any bytes as a stored event record. Decoding never crashes or throws; what decodes
// re-encodes to a record that decodes and encodes to the same bytes (bytes, not ==: a NaN in a
// payload is not equal to itself); its JSON form can always be written out; and every fold takes it
// (issue #18: a fold never throws, whatever a decodable payload holds). The folds decode the
// payload into its event struct (domain/event_types/codec.hpp): this is the fuzzing of that decode.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "domain/state.hpp"
#include "events/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto decoded = kaso::events::decode_value(bytes, 1);
  if (!decoded.ok()) return 0;
  auto encoded = kaso::events::encode_value(decoded.value());
  auto again = kaso::events::decode_value(encoded, 1);
  if (!again.ok() || kaso::events::encode_value(again.value()) != encoded) std::abort();
  (void)kaso::events::to_json(again.value()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  kaso::domain::state folded;
  kaso::domain::evolve(folded, again.value());
  return 0;
}
