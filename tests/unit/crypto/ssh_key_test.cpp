// parse_public_key: real keys made by ssh-keygen at test time, compared with `ssh-keygen -l`;
// then hostile lines and hand-built blobs that must be refused.
#include "crypto/ssh_key.hpp"

#include <gtest/gtest.h>

#include "crypto/base64.hpp"
#include "test_support.hpp"

namespace kaso::crypto {
namespace {

// ---- keys generated with ssh-keygen, checked against ssh-keygen -l ----

struct key_spec {
  std::string keygen_type;
  int keygen_bits;  // 0: ssh-keygen's default
  std::string expected_type;
  std::uint32_t expected_bits;
};

std::ostream& operator<<(std::ostream& out, const key_spec& spec) {
  return out << spec.expected_type << '/' << spec.expected_bits;
}

struct keygen_listing {
  std::uint32_t bits = 0;
  std::string fingerprint;
};

// "3072 SHA256:abc... comment (RSA)"
keygen_listing list_with_ssh_keygen(const std::filesystem::path& pub) {
  const testing::command_output out = testing::run_command("ssh-keygen -l -f '" + pub.string() + "'");
  EXPECT_EQ(out.exit_code, 0) << out.out;
  keygen_listing listing;
  const std::size_t space = out.out.find(' ');
  listing.bits = static_cast<std::uint32_t>(std::stoul(out.out.substr(0, space)));
  listing.fingerprint = out.out.substr(space + 1, out.out.find(' ', space + 1) - space - 1);
  return listing;
}

std::filesystem::path generate_key(const testing::temp_dir& dir, const key_spec& spec,
                                   const std::string& comment) {
  const auto key = dir.path() / "id";
  std::string command = "ssh-keygen -q -N '' -t " + spec.keygen_type;
  if (spec.keygen_bits != 0) command += " -b " + std::to_string(spec.keygen_bits);
  command += " -C '" + comment + "' -f '" + key.string() + "' </dev/null";
  const testing::command_output out = testing::run_command(command);
  EXPECT_EQ(out.exit_code, 0) << command;
  return key.string() + ".pub";
}

class generated_key : public ::testing::TestWithParam<key_spec> {};

TEST_P(generated_key, fingerprint_and_bits_match_ssh_keygen) {
  testing::temp_dir dir;
  ASSERT_FALSE(dir.path().empty());
  const auto pub = generate_key(dir, GetParam(), "kaso test <kaso@example.org>");
  const std::string text = testing::read_file(pub);
  ASSERT_FALSE(text.empty());

  const result<public_key> key = parse_public_key(text);
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  const keygen_listing expected = list_with_ssh_keygen(pub);
  EXPECT_EQ(key->fingerprint, expected.fingerprint);
  EXPECT_EQ(key->bits, expected.bits);
  EXPECT_EQ(key->bits, GetParam().expected_bits);
  EXPECT_EQ(key->type, GetParam().expected_type);
  EXPECT_EQ(key->comment, "kaso test <kaso@example.org>");
  EXPECT_EQ(key->to_line() + "\n", text);
}

INSTANTIATE_TEST_SUITE_P(
    ssh_keygen, generated_key,
    ::testing::Values(key_spec{"ed25519", 0, "ssh-ed25519", 256},
                      key_spec{"rsa", 2048, "ssh-rsa", 2048},
                      key_spec{"rsa", 3072, "ssh-rsa", 3072},
                      key_spec{"ecdsa", 256, "ecdsa-sha2-nistp256", 256},
                      key_spec{"ecdsa", 384, "ecdsa-sha2-nistp384", 384},
                      key_spec{"ecdsa", 521, "ecdsa-sha2-nistp521", 521}));

TEST(parse_public_key, key_without_comment) {
  testing::temp_dir dir;
  const auto pub = generate_key(dir, {"ed25519", 0, "ssh-ed25519", 256}, "");
  const result<public_key> key = parse_public_key(testing::read_file(pub));
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(key->comment, "");
  EXPECT_EQ(key->fingerprint, list_with_ssh_keygen(pub).fingerprint);
  EXPECT_EQ(key->to_line(), key->type + " " + key->blob_base64);
}

// ---- fixed keys ----

constexpr std::string_view alice_blob =
    "AAAAC3NzaC1lZDI1NTE5AAAAIJn+yXjG93hw1FndqJhsaUAp+1VZkI4VzikAYrKeJ+Sk";
const std::string alice = "ssh-ed25519 " + std::string(alice_blob) + " alice@example";
constexpr std::string_view alice_fingerprint = "SHA256:oi3O4Q9AzWGKmiHfABSFpIrK1Xszqg111ypyw5BWkbk";

constexpr std::string_view bob_blob =
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBCJ4Y0bzfzbfamVvfk07TXPFfNPvu/QCUaVF7Lyu"
    "OsNb0UV3xpywPlFBhhED6U1DIiagDaym2Fp0E9cTZPgx4mM=";
constexpr std::string_view bob_fingerprint = "SHA256:7pQ6IoyvWVk+hJ/ZTZhqbUyCf/qeU1jgS83MPOx9MIs";

TEST(parse_public_key, known_ed25519_key) {
  const result<public_key> key = parse_public_key(alice);
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(key->type, "ssh-ed25519");
  EXPECT_EQ(key->blob_base64, alice_blob);
  EXPECT_EQ(key->comment, "alice@example");
  EXPECT_EQ(key->fingerprint, alice_fingerprint);
  EXPECT_EQ(key->bits, 256u);
  EXPECT_EQ(key->to_line(), alice);
}

TEST(parse_public_key, known_ecdsa_key) {
  const result<public_key> key =
      parse_public_key("ecdsa-sha2-nistp256 " + std::string(bob_blob) + " bob@example");
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(key->fingerprint, bob_fingerprint);
  EXPECT_EQ(key->bits, 256u);
}

TEST(parse_public_key, trims_surrounding_whitespace_and_extra_field_spaces) {
  const result<public_key> key = parse_public_key(
      " \t\r\nssh-ed25519   " + std::string(alice_blob) + "   alice  at  example \r\n\n ");
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(key->comment, "alice  at  example");
  EXPECT_EQ(key->to_line(), "ssh-ed25519 " + std::string(alice_blob) + " alice  at  example");
}

TEST(parse_public_key, accepts_a_utf8_comment) {
  const std::string comment = "Jos\xC3\xA9 \xF0\x9F\x94\x91";  // "José 🔑"
  const result<public_key> key = parse_public_key("ssh-ed25519 " + std::string(alice_blob) + " " + comment);
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(key->comment, comment);
}

TEST(parse_public_key, accepts_a_line_of_exactly_16_kib) {
  std::string line = alice + " ";
  line += std::string(max_public_key_line_size - line.size(), 'x');
  ASSERT_EQ(line.size(), max_public_key_line_size);
  EXPECT_TRUE(parse_public_key(line).ok());
}

// ---- hostile lines ----

void expect_refused(const std::string& text, std::string_view reason_part,
                    errc code = errc::invalid_argument) {
  const result<public_key> key = parse_public_key(text);
  ASSERT_FALSE(key.ok()) << "accepted: " << text;
  EXPECT_EQ(key.error().code(), code);
  EXPECT_TRUE(key.error().message().starts_with("not an SSH public key: ")) << key.error().message();
  EXPECT_NE(key.error().message().find(reason_part), std::string::npos) << key.error().message();
}

const std::string alice_prefix = "ssh-ed25519 " + std::string(alice_blob);

TEST(parse_public_key, refuses_empty_and_blank_input) {
  expect_refused("", "empty");
  expect_refused(" \t\r\n ", "empty");
}

TEST(parse_public_key, refuses_overlong_input) {
  expect_refused(alice + std::string(max_public_key_line_size, 'x'), "longer than 16384",
                 errc::payload_too_large);
  expect_refused(alice + std::string(max_public_key_line_size, ' '), "longer than 16384",
                 errc::payload_too_large);
}

TEST(parse_public_key, refuses_line_breaks_anywhere) {
  expect_refused(alice_prefix + " alice\nroot: true", "line break");
  expect_refused(alice_prefix + " alice\rx", "line break");
  expect_refused(alice + "\n" + alice, "line break");
  expect_refused("ssh-ed25519\n" + std::string(alice_blob), "line break");
}

TEST(parse_public_key, refuses_nul_and_control_characters) {
  expect_refused(alice_prefix + std::string(" ali\0ce", 7), "NUL");
  expect_refused(alice_prefix + " ali\tce", "control character");
  expect_refused(alice_prefix + "\talice", "control character");
  expect_refused(alice_prefix + " \x1b[31mred", "control character");
  expect_refused(alice_prefix + " del\x7f", "control character");
  expect_refused(alice_prefix + " nel\xC2\x85x", "control character");       // U+0085
  expect_refused(alice_prefix + " ls\xE2\x80\xA8x", "control character");    // U+2028
  expect_refused(alice_prefix + " ps\xE2\x80\xA9x", "control character");    // U+2029
}

TEST(parse_public_key, refuses_invalid_utf8) {
  expect_refused(alice_prefix + " \xff", "UTF-8");
  expect_refused(alice_prefix + " \xC3", "UTF-8");              // truncated
  expect_refused(alice_prefix + " \xC0\xAF", "UTF-8");          // overlong '/'
  expect_refused(alice_prefix + " \xED\xA0\x80", "UTF-8");      // a surrogate
}

TEST(parse_public_key, refuses_authorized_keys_options) {
  expect_refused("command=\"/bin/sh\" " + alice, "options");
  expect_refused("no-pty " + alice, "options");
  expect_refused("restrict " + alice, "options");
  expect_refused("from=\"10.0.0.1\",no-agent-forwarding " + alice, "options");
}

TEST(parse_public_key, refuses_unsupported_and_unknown_types) {
  expect_refused("sk-ssh-ed25519@openssh.com " + std::string(alice_blob), "sk-");
  expect_refused("sk-ecdsa-sha2-nistp256@openssh.com " + std::string(alice_blob), "sk-");
  expect_refused("ssh-dss " + std::string(alice_blob), "DSA");
  expect_refused("ssh-ed25519-cert-v01@openssh.com " + std::string(alice_blob), "certificates");
  expect_refused("ssh-foo " + std::string(alice_blob), "unknown key type 'ssh-foo'");
  expect_refused(std::string(alice_blob), "unknown key type");
  expect_refused("-----BEGIN OPENSSH PRIVATE KEY-----", "unknown key type");
}

TEST(parse_public_key, refuses_missing_or_bad_base64) {
  expect_refused("ssh-ed25519", "missing");
  expect_refused("ssh-ed25519   ", "missing");
  expect_refused("ssh-ed25519 AAAA!AAA comment", "base64");
  expect_refused("ssh-ed25519 " + std::string(alice_blob.substr(1)), "base64");
  expect_refused("ssh-ed25519 " + std::string(alice_blob) + "=", "base64");
  expect_refused("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJn-yXjG93hw1FndqJhsaUAp-1VZkI4VzikAYrKeJ-Sk",
                 "base64");  // base64url is not OpenSSH's alphabet
}

TEST(parse_public_key, refuses_a_type_that_does_not_match_the_blob) {
  expect_refused("ssh-rsa " + std::string(alice_blob), "not of type 'ssh-rsa'");
  expect_refused("ecdsa-sha2-nistp384 " + std::string(bob_blob), "not of type");
}

// ---- hand-built blobs ----

std::string ssh_string(std::string_view value) {
  std::string out;
  const auto size = static_cast<std::uint32_t>(value.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(size >> shift & 0xff);
  out += value;
  return out;
}

std::string line_for(std::string_view type, const std::string& blob) {
  return std::string(type) + " " + base64_encode(blob) + " test";
}

std::string decoded(std::string_view text) {
  const result<std::string> bytes = base64_decode(text);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::string();
}

std::string alice_public_bytes() { return decoded(alice_blob).substr(4 + 11 + 4); }
std::string bob_point() { return decoded(bob_blob).substr(4 + 19 + 4 + 8 + 4); }

TEST(parse_public_key, hand_built_blobs_that_are_valid) {
  // Sanity for the builders: rebuilding the fixed keys gives the same blob.
  EXPECT_EQ(base64_encode(ssh_string("ssh-ed25519") + ssh_string(alice_public_bytes())), alice_blob);
  EXPECT_EQ(base64_encode(ssh_string("ecdsa-sha2-nistp256") + ssh_string("nistp256") +
                          ssh_string(bob_point())),
            bob_blob);

  const std::string modulus = std::string(1, '\0') + '\xc3' + std::string(254, '\x5a') + '\x01';
  const result<public_key> rsa =
      parse_public_key(line_for("ssh-rsa", ssh_string("ssh-rsa") + ssh_string("\x01\x00\x01") +
                                               ssh_string(modulus)));
  ASSERT_TRUE(rsa.ok()) << rsa.error().to_string();
  EXPECT_EQ(rsa->bits, 2048u);
}

TEST(parse_public_key, refuses_truncated_blobs) {
  const std::string blob = decoded(alice_blob);
  for (const std::size_t cut : {1u, 5u, 31u, 32u, 36u, 40u, 48u}) {
    expect_refused(line_for("ssh-ed25519", blob.substr(0, blob.size() - cut)), "");
  }
  expect_refused(line_for("ssh-ed25519", blob.substr(0, blob.size() - 1)), "truncated");
  expect_refused(line_for("ssh-ed25519", blob.substr(0, 2)), "truncated");
  expect_refused(line_for("ssh-ed25519", std::string(blob.size(), '\xff')), "truncated");
}

TEST(parse_public_key, refuses_trailing_bytes) {
  expect_refused(line_for("ssh-ed25519", decoded(alice_blob) + '\0'), "unexpected bytes");
  expect_refused(line_for("ssh-ed25519", decoded(alice_blob) + ssh_string("extra")),
                 "unexpected bytes");
}

TEST(parse_public_key, refuses_an_ed25519_key_of_the_wrong_size) {
  const std::string key = alice_public_bytes();
  expect_refused(line_for("ssh-ed25519", ssh_string("ssh-ed25519") + ssh_string(key.substr(1))),
                 "32 bytes");
  expect_refused(line_for("ssh-ed25519", ssh_string("ssh-ed25519") + ssh_string(key + "x")),
                 "32 bytes");
}

TEST(parse_public_key, refuses_bad_rsa_numbers) {
  const auto rsa = [](const std::string& e, const std::string& n) {
    return line_for("ssh-rsa", ssh_string("ssh-rsa") + ssh_string(e) + ssh_string(n));
  };
  const std::string e = "\x01\x00\x01";
  const std::string n2048 = std::string(1, '\0') + '\xc3' + std::string(255, '\x5a');
  expect_refused(rsa(e, n2048.substr(1)), "negative");
  expect_refused(rsa(e, std::string(2, '\0') + n2048.substr(1)), "minimally");
  expect_refused(rsa(e, ""), "zero");
  expect_refused(rsa("", n2048), "zero");
  expect_refused(rsa(e, std::string(1, '\x7f') + std::string(126, '\x5a')), "1015 bits");
  expect_refused(rsa(e, std::string(1, '\x7f') + std::string(2048, '\x5a')), "16391 bits");
  expect_refused(line_for("ssh-rsa", ssh_string("ssh-rsa") + ssh_string(e)), "truncated");
}

TEST(parse_public_key, refuses_bad_ecdsa_curves_and_points) {
  const auto ecdsa = [](std::string_view type, std::string_view curve, const std::string& point) {
    return line_for(type, ssh_string(type) + ssh_string(curve) + ssh_string(point));
  };
  const std::string point = bob_point();
  ASSERT_EQ(point.size(), 65u);
  expect_refused(ecdsa("ecdsa-sha2-nistp256", "nistp384", point), "curve does not match");

  std::string off_curve = point;
  off_curve[64] = static_cast<char>(off_curve[64] ^ 1);
  expect_refused(ecdsa("ecdsa-sha2-nistp256", "nistp256", off_curve), "not on curve");

  std::string compressed = point.substr(0, 33);
  compressed[0] = static_cast<char>(0x02 + (static_cast<unsigned char>(point[64]) & 1));
  expect_refused(ecdsa("ecdsa-sha2-nistp256", "nistp256", compressed), "uncompressed");
  expect_refused(ecdsa("ecdsa-sha2-nistp384", "nistp384", point), "uncompressed");
  expect_refused(ecdsa("ecdsa-sha2-nistp256", "nistp256", std::string(65, '\0')), "uncompressed");
  // x = y = 0xff..ff: outside the field.
  expect_refused(ecdsa("ecdsa-sha2-nistp256", "nistp256", '\x04' + std::string(64, '\xff')),
                 "not on curve");
}

}  // namespace
}  // namespace kaso::crypto
