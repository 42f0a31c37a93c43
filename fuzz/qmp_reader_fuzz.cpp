// Fuzz target: any bytes from a qemu monitor socket, fed in pieces whose sizes the input chooses.
// The reader never crashes or throws, and every message it hands out is a JSON object.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qemu/qmp_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  kaso::qemu::qmp_reader reader(4096);
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t piece = data[0] % 64 + 1;
  while (!bytes.empty()) {
    reader.feed(bytes.substr(0, piece));
    bytes.remove_prefix(std::min(piece, bytes.size()));
    while (auto message = reader.next()) {
      if (message->ok() && !message->value().is_object()) std::abort();
    }
  }
  return 0;
}
