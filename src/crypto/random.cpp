// RAND_bytes in chunks (it takes an int), and CRYPTO_memcmp for the comparison.
#include "crypto/random.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "crypto/hex.hpp"

namespace kaso::crypto {

std::string random_token(std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::size_t done = 0;
  while (done < bytes) {
    const std::size_t chunk = std::min<std::size_t>(bytes - done, INT_MAX);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data() + done), static_cast<int>(chunk)) != 1) {
      std::fputs("kaso: RAND_bytes failed; refusing to continue without a working CSPRNG\n", stderr);
      std::abort();
    }
    done += chunk;
  }
  std::string token = to_hex(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return token;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kaso::crypto
