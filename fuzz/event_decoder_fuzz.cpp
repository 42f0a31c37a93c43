// Fuzz target: any bytes as a stored event record. Decoding never crashes or throws; what decodes
// encodes back to a record that decodes to the same event.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "events/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto decoded = kaso::events::decode_value(bytes, 1);
  if (!decoded.ok()) return 0;
  auto again = kaso::events::decode_value(kaso::events::encode_value(decoded.value()), 1);
  if (!again.ok() || !(again.value() == decoded.value())) std::abort();
  return 0;
}
