// hash_password / verify_password / is_sha512_crypt_hash, cross-checked against the SHA-crypt
// specification's vectors and against `openssl passwd -6`, an independent implementation.
#include "crypto/password_hash.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace kaso::crypto {
namespace {

std::string salt_of(const std::string& hash) {
  // "$6$" salt "$" checksum, no rounds for hashes we make.
  return hash.substr(3, hash.find('$', 3) - 3);
}

TEST(hash_password, produces_sha512_crypt_with_a_16_character_salt) {
  const result<std::string> hash = hash_password("correct horse battery staple");
  ASSERT_TRUE(hash.ok()) << hash.error().to_string();
  EXPECT_TRUE(hash->starts_with("$6$"));
  EXPECT_EQ(salt_of(*hash).size(), 16u);
  EXPECT_EQ(hash->size(), 3 + 16 + 1 + 86u);
  EXPECT_TRUE(is_sha512_crypt_hash(*hash));
}

TEST(hash_password, round_trips_and_rejects_a_wrong_password) {
  const result<std::string> hash = hash_password("hunter2");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(verify_password("hunter2", *hash));
  EXPECT_FALSE(verify_password("hunter3", *hash));
  EXPECT_FALSE(verify_password("hunter2 ", *hash));
  EXPECT_FALSE(verify_password("Hunter2", *hash));
}

TEST(hash_password, two_hashes_of_one_password_differ_by_salt) {
  const result<std::string> a = hash_password("same password");
  const result<std::string> b = hash_password("same password");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_NE(salt_of(*a), salt_of(*b));
  EXPECT_TRUE(verify_password("same password", *a));
  EXPECT_TRUE(verify_password("same password", *b));
}

TEST(hash_password, accepts_newlines_quotes_unicode_and_raw_bytes) {
  const std::string awkward[] = {
      "line one\nline two\r\n", "it's \"quoted\" `back` $dollar \\ backslash",
      "p\xC3\xA4ssw\xC3\xB6rd \xF0\x9F\x94\x91",  // "pässwörd 🔑"
      std::string("\xff\xfe\x01\x7f", 4), "   ", "#: - {yaml: [flow]}"};
  for (const std::string& password : awkward) {
    const result<std::string> hash = hash_password(password);
    ASSERT_TRUE(hash.ok()) << hash.error().to_string();
    EXPECT_TRUE(verify_password(password, *hash));
    EXPECT_FALSE(verify_password(password + "x", *hash));
  }
}

TEST(hash_password, hash_never_contains_the_plaintext) {
  for (const std::string password : {"abcdefgh", "Secret123", "zzzzzzzzzzzzzzzzzzzz"}) {
    const result<std::string> hash = hash_password(password);
    ASSERT_TRUE(hash.ok());
    EXPECT_EQ(hash->find(password), std::string::npos);
  }
}

TEST(hash_password, accepts_the_longest_password_libcrypt_supports) {
  const std::string longest(max_password_size, 'x');
  const result<std::string> hash = hash_password(longest);
  ASSERT_TRUE(hash.ok()) << hash.error().to_string();
  EXPECT_TRUE(verify_password(longest, *hash));
}

TEST(hash_password, rejects_empty_nul_and_overlong) {
  const std::string bad[] = {"", std::string("pass\0word", 9), std::string(1, '\0'),
                             std::string(max_password_size + 1, 'x'), std::string(4097, 'x')};
  for (const std::string& password : bad) {
    const result<std::string> hash = hash_password(password);
    ASSERT_FALSE(hash.ok()) << password.size();
    EXPECT_EQ(hash.error().code(), errc::invalid_argument);
  }
}

TEST(hash_password, agrees_with_openssl_passwd) {
  const std::string password = "Kaso-Mashin 2024!";
  const result<std::string> hash = hash_password(password);
  ASSERT_TRUE(hash.ok());
  testing::temp_dir dir;
  const auto file = dir.path() / "password";
  testing::write_file(file, password + "\n");
  const testing::command_output openssl = testing::run_command(
      "openssl passwd -6 -salt '" + salt_of(*hash) + "' -in '" + file.string() + "'");
  ASSERT_EQ(openssl.exit_code, 0);
  EXPECT_EQ(openssl.out, *hash + "\n");
}

// From Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512" specification.
TEST(verify_password, accepts_the_specification_vectors) {
  EXPECT_TRUE(verify_password(
      "Hello world!",
      "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEO"
      "faS35inz1"));
  EXPECT_TRUE(verify_password(
      "Hello world!",
      "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vO"
      "uZeHBy/YTBmSK6H9qs/y3RnOaw5v."));
}

TEST(verify_password, refuses_other_hash_kinds_and_locked_accounts) {
  // MD5 crypt of "password"; it is a valid crypt hash, but not one we accept.
  EXPECT_FALSE(verify_password("password", "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/"));
  EXPECT_FALSE(verify_password("x", "*"));
  EXPECT_FALSE(verify_password("x", "!"));
  EXPECT_FALSE(verify_password("x", ""));
  const result<std::string> hash = hash_password("x");
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(verify_password("x", "!" + *hash));
  EXPECT_FALSE(verify_password("x", hash->substr(0, hash->size() - 1)));
  EXPECT_FALSE(verify_password(std::string("x\0", 2), *hash));
}

TEST(is_sha512_crypt_hash, accepts_well_formed_hashes) {
  const std::string checksum(86, 'a');
  EXPECT_TRUE(is_sha512_crypt_hash("$6$abcdefghijklmnop$" + checksum));
  EXPECT_TRUE(is_sha512_crypt_hash("$6$a$" + checksum));
  EXPECT_TRUE(is_sha512_crypt_hash("$6$./09AZaz$" + checksum));
  EXPECT_TRUE(is_sha512_crypt_hash("$6$rounds=5000$salt$" + checksum));
  EXPECT_TRUE(is_sha512_crypt_hash("$6$rounds=1000$salt$" + checksum));
  EXPECT_TRUE(is_sha512_crypt_hash("$6$rounds=999999999$salt$" + checksum));
}

TEST(is_sha512_crypt_hash, rejects_malformed_hashes) {
  const std::string checksum(86, 'a');
  const std::string bad[] = {
      "",
      "$6$",
      "$5$salt$" + checksum,                       // SHA-256 crypt
      "$6$salt$" + checksum.substr(1),             // 85 characters
      "$6$salt$" + checksum + "a",                 // 87 characters
      "$6$$" + checksum,                           // empty salt
      "$6$abcdefghijklmnopq$" + checksum,          // 17-character salt
      "$6$sa-t$" + checksum,                       // '-' is not in the alphabet
      "$6$salt$" + checksum.substr(1) + "+",       // '+' neither
      "$6$salt$" + checksum.substr(1) + "\n",      // a trailing newline
      "$6$rounds=999$salt$" + checksum,            // below the minimum
      "$6$rounds=1000000000$salt$" + checksum,     // above the maximum
      "$6$rounds=05000$salt$" + checksum,          // leading zero
      "$6$rounds=$salt$" + checksum,
      "$6$rounds=5000" + checksum,
      " $6$salt$" + checksum,
  };
  for (const std::string& text : bad) EXPECT_FALSE(is_sha512_crypt_hash(text)) << text;
}

}  // namespace
}  // namespace kaso::crypto
