// The parser runs in stages, each returning the first problem it finds: size, trim, characters
// (line breaks, controls, UTF-8), fields, type, base64, blob. The blob is read as RFC 4251
// length-prefixed strings; the rules for each key type follow OpenSSH's sshkey_from_blob, plus
// RFC 4251's minimal mpint encoding. ECDSA points are checked to lie on their curve with OpenSSL.
#include "crypto/ssh_key.hpp"

#include <memory>
#include <optional>

#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "crypto/base64.hpp"
#include "crypto/sha256.hpp"

namespace kaso::crypto {
namespace {

error not_a_key(std::string_view why) {
  return error::invalid_argument("not an SSH public key: " + std::string(why));
}

constexpr std::string_view whitespace = " \t\r\n\v\f";

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(whitespace);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(whitespace);
  return text.substr(first, last - first + 1);
}

// ---- characters ----

// Decodes one UTF-8 sequence at text[i], advancing i; nullopt if it is malformed (truncated,
// overlong, a surrogate, or beyond U+10FFFF).
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    ++i;
    return lead;
  } else if ((lead & 0xe0) == 0xc0) {
    length = 2, value = lead & 0x1f, minimum = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, value = lead & 0x0f, minimum = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() - i < length) return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    const auto continuation = static_cast<unsigned char>(text[i + k]);
    if ((continuation & 0xc0) != 0x80) return std::nullopt;
    value = value << 6 | (continuation & 0x3f);
  }
  if (value < minimum || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
    return std::nullopt;
  }
  i += length;
  return value;
}

// YAML 1.1 also breaks lines at NEL (U+0085), LS (U+2028) and PS (U+2029).
bool is_control_or_line_break(char32_t c) {
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029;
}

std::optional<error> check_characters(std::string_view line) {
  if (line.find_first_of("\r\n") != std::string_view::npos) {
    return not_a_key("expected one line, found a line break");
  }
  if (line.find('\0') != std::string_view::npos) return not_a_key("contains a NUL byte");
  for (std::size_t i = 0; i < line.size();) {
    const std::optional<char32_t> c = next_code_point(line, i);
    if (!c) return not_a_key("not valid UTF-8");
    if (is_control_or_line_break(*c)) return not_a_key("contains a control character");
  }
  return std::nullopt;
}

// ---- fields and type ----

struct fields {
  std::string_view type;
  std::string_view base64;
  std::string_view comment;
};

// The line is trimmed and has no tabs (they are control characters), so fields are split on
// spaces; the comment keeps its inner spaces.
fields split_fields(std::string_view line) {
  fields f;
  std::size_t end = line.find(' ');
  f.type = line.substr(0, end);
  if (end == std::string_view::npos) return f;
  line = trim(line.substr(end));
  end = line.find(' ');
  f.base64 = line.substr(0, end);
  if (end != std::string_view::npos) f.comment = trim(line.substr(end));
  return f;
}

enum class key_kind { ed25519, rsa, ecdsa };

struct key_type_info {
  std::string_view name;
  key_kind kind;
  std::string_view curve;  // ecdsa only
  int curve_nid;           // ecdsa only
  std::uint32_t bits;      // 0 for RSA: the modulus decides
};

constexpr key_type_info supported_types[] = {
    {"ssh-ed25519", key_kind::ed25519, "", 0, 256},
    {"ssh-rsa", key_kind::rsa, "", 0, 0},
    {"ecdsa-sha2-nistp256", key_kind::ecdsa, "nistp256", NID_X9_62_prime256v1, 256},
    {"ecdsa-sha2-nistp384", key_kind::ecdsa, "nistp384", NID_secp384r1, 384},
    {"ecdsa-sha2-nistp521", key_kind::ecdsa, "nistp521", NID_secp521r1, 521},
};

constexpr std::string_view authorized_keys_flags[] = {
    "agent-forwarding", "cert-authority", "no-agent-forwarding", "no-port-forwarding",
    "no-pty", "no-user-rc", "no-X11-forwarding", "port-forwarding", "pty", "restrict",
    "user-rc", "X11-forwarding"};

bool looks_like_options(std::string_view token) {
  if (token.find_first_of("=,\"") != std::string_view::npos) return true;
  for (const std::string_view flag : authorized_keys_flags) {
    if (token == flag) return true;
  }
  return false;
}

result<const key_type_info*> classify_type(std::string_view type) {
  for (const key_type_info& info : supported_types) {
    if (type == info.name) return &info;
  }
  if (looks_like_options(type)) {
    return not_a_key("authorized_keys options are not accepted; give only 'type base64 comment'");
  }
  if (type.starts_with("sk-")) return not_a_key("security-key (sk-) keys are not supported");
  if (type == "ssh-dss") return not_a_key("DSA keys are not supported");
  if (type.find("-cert-") != std::string_view::npos) {
    return not_a_key("certificates are not supported");
  }
  constexpr std::size_t shown = 40;
  return not_a_key("unknown key type '" + std::string(type.substr(0, shown)) +
                   (type.size() > shown ? "...'" : "'"));
}

// ---- the blob ----

// Reads RFC 4251 "string"s: a big-endian uint32 length, then that many bytes.
class blob_reader {
 public:
  explicit blob_reader(std::string_view blob) : rest_(blob) {}

  std::optional<std::string_view> read_string() {
    if (rest_.size() < 4) return std::nullopt;
    std::uint32_t length = 0;
    for (int k = 0; k < 4; ++k) length = length << 8 | static_cast<unsigned char>(rest_[k]);
    rest_.remove_prefix(4);
    if (rest_.size() < length) return std::nullopt;
    const std::string_view value = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return value;
  }

  bool at_end() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

error truncated() { return not_a_key("the key data is truncated"); }

std::uint32_t bit_length(std::string_view magnitude) {
  if (magnitude.empty()) return 0;
  auto top = static_cast<unsigned char>(magnitude[0]);
  std::uint32_t bits = static_cast<std::uint32_t>(magnitude.size() - 1) * 8;
  while (top != 0) ++bits, top >>= 1;
  return bits;
}

// An RFC 4251 mpint that must be positive and minimally encoded; returns its bit length.
result<std::uint32_t> read_positive_mpint(blob_reader& reader, std::string_view name) {
  const std::optional<std::string_view> value = reader.read_string();
  if (!value) return truncated();
  if (value->empty()) return not_a_key("RSA " + std::string(name) + " is zero");
  const auto first = static_cast<unsigned char>((*value)[0]);
  if (first & 0x80) return not_a_key("RSA " + std::string(name) + " is negative");
  if (first == 0 && (value->size() == 1 || !(static_cast<unsigned char>((*value)[1]) & 0x80))) {
    return not_a_key("RSA " + std::string(name) + " is not minimally encoded");
  }
  return bit_length(*value);
}

// OpenSSH 9 refuses RSA keys under 1024 bits; OpenSSL's limit is 16384.
constexpr std::uint32_t min_rsa_bits = 1024;
constexpr std::uint32_t max_rsa_bits = 16384;

result<std::uint32_t> read_rsa(blob_reader& reader) {
  if (auto e = read_positive_mpint(reader, "exponent"); !e) return e.error();
  const result<std::uint32_t> modulus_bits = read_positive_mpint(reader, "modulus");
  if (!modulus_bits) return modulus_bits.error();
  if (*modulus_bits < min_rsa_bits || *modulus_bits > max_rsa_bits) {
    return not_a_key("RSA modulus of " + std::to_string(*modulus_bits) + " bits (" +
                     std::to_string(min_rsa_bits) + " to " + std::to_string(max_rsa_bits) +
                     " accepted)");
  }
  return *modulus_bits;
}

constexpr std::size_t ed25519_key_size = 32;

result<std::uint32_t> read_ed25519(blob_reader& reader) {
  const std::optional<std::string_view> key = reader.read_string();
  if (!key) return truncated();
  if (key->size() != ed25519_key_size) {
    return not_a_key("an Ed25519 key is 32 bytes, found " + std::to_string(key->size()));
  }
  return 256u;
}

bool point_is_on_curve(int curve_nid, std::string_view point) {
  const std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group{
      EC_GROUP_new_by_curve_name(curve_nid), &EC_GROUP_free};
  if (!group) return false;
  const std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> q{EC_POINT_new(group.get()),
                                                              &EC_POINT_free};
  if (!q) return false;
  // oct2point also rejects coordinates outside the field.
  return EC_POINT_oct2point(group.get(), q.get(),
                            reinterpret_cast<const unsigned char*>(point.data()), point.size(),
                            nullptr) == 1 &&
         EC_POINT_is_at_infinity(group.get(), q.get()) == 0 &&
         EC_POINT_is_on_curve(group.get(), q.get(), nullptr) == 1;
}

result<std::uint32_t> read_ecdsa(blob_reader& reader, const key_type_info& info) {
  const std::optional<std::string_view> curve = reader.read_string();
  if (!curve) return truncated();
  if (*curve != info.curve) return not_a_key("the curve does not match the key type");
  const std::optional<std::string_view> point = reader.read_string();
  if (!point) return truncated();
  // OpenSSH writes points uncompressed: 0x04, then x and y of (bits + 7) / 8 bytes each.
  const std::size_t coordinate_size = (info.bits + 7) / 8;
  if (point->size() != 1 + 2 * coordinate_size || (*point)[0] != 0x04) {
    return not_a_key("the ECDSA point is not an uncompressed point of " +
                     std::string(info.curve));
  }
  if (!point_is_on_curve(info.curve_nid, *point)) {
    return not_a_key("the ECDSA point is not on curve " + std::string(info.curve));
  }
  return info.bits;
}

// Checks the blob against its type; returns the key's size in bits.
result<std::uint32_t> check_blob(std::string_view blob, const key_type_info& info) {
  blob_reader reader{blob};
  const std::optional<std::string_view> blob_type = reader.read_string();
  if (!blob_type) return truncated();
  if (*blob_type != info.name) {
    return not_a_key("the key data is not of type '" + std::string(info.name) + "'");
  }
  result<std::uint32_t> bits = info.kind == key_kind::ed25519 ? read_ed25519(reader)
                               : info.kind == key_kind::rsa   ? read_rsa(reader)
                                                              : read_ecdsa(reader, info);
  if (bits && !reader.at_end()) return not_a_key("unexpected bytes after the key");
  return bits;
}

}  // namespace

std::string public_key::to_line() const {
  std::string line = type + ' ' + blob_base64;
  if (!comment.empty()) line += ' ' + comment;
  return line;
}

result<public_key> parse_public_key(std::string_view text) {
  if (text.size() > max_public_key_line_size) {
    return error(errc::payload_too_large, "not an SSH public key: longer than " +
                                              std::to_string(max_public_key_line_size) + " bytes");
  }
  const std::string_view line = trim(text);
  if (line.empty()) return not_a_key("empty");
  if (auto bad = check_characters(line)) return *bad;

  const fields f = split_fields(line);
  const result<const key_type_info*> info = classify_type(f.type);
  if (!info) return info.error();
  if (f.base64.empty()) {
    return not_a_key("the key data is missing after '" + std::string(f.type) + "'");
  }

  const result<std::string> blob = base64_decode(f.base64);
  if (!blob) return not_a_key("the key data is not valid base64");
  const result<std::uint32_t> bits = check_blob(*blob, **info);
  if (!bits) return bits.error();

  const std::string digest = sha256_digest(*blob);
  if (digest.empty()) return error::internal("SHA-256 failed in OpenSSL");

  public_key key;
  key.type = std::string(f.type);
  key.blob_base64 = std::string(f.base64);
  key.comment = std::string(f.comment);
  key.fingerprint = "SHA256:" + base64_encode(digest, base64_padding::without);
  key.bits = *bits;
  return key;
}

}  // namespace kaso::crypto
