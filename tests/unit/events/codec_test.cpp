// Codec: keys sort in log order, values round-trip, corrupt values are errors (not crashes).
#include "events/codec.hpp"

#include <gtest/gtest.h>

namespace kaso::events {
namespace {

event sample() {
  event e;
  e.seq = 42;
  e.time_us = 1764072000123456;
  e.kind = "identity";
  e.id = "7";
  e.version = 3;
  e.type = "identity.modified";
  e.schema = 1;
  e.payload = {{"gecos", "Jane \"J\" Doe\n"}, {"n", 5}};
  e.caused_by = {1000, 4242, "unix"};
  return e;
}

TEST(codec, keys_are_big_endian_so_byte_order_is_log_order) {
  EXPECT_EQ(encode_key(1), std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_LT(encode_key(255), encode_key(256));
  EXPECT_LT(encode_key(0xffffffffULL), encode_key(0x100000000ULL));
  EXPECT_EQ(decode_key(encode_key(0x0102030405060708ULL)), 0x0102030405060708ULL);
  EXPECT_EQ(decode_key("short"), 0u);
}

TEST(codec, value_round_trips) {
  auto e = sample();
  auto decoded = decode_value(encode_value(e), e.seq);
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(decoded.value(), e);
}

TEST(codec, older_msgpack_records_stay_readable) {
  auto e = sample();
  auto j = to_json(e);
  j.erase("time");
  std::string old(1, 'M');
  nlohmann::json::to_msgpack(j, old);
  auto decoded = decode_value(old, e.seq);
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(decoded.value(), e);
}

TEST(codec, json_round_trips_and_names_fields) {
  auto e = sample();
  auto j = to_json(e);
  EXPECT_EQ(j["type"], "identity.modified");
  EXPECT_EQ(j["time"], "2025-11-25T12:00:00.123456Z");
  EXPECT_EQ(j["cause"]["uid"], 1000);
  auto back = from_json(j);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), e);
}

// Issue #18: the cause names the chain (correlation) and the event it followed from (causation).
// Records are written as 'C'; 'B' records (written before) read as having neither.
TEST(codec, issue_18_the_chain_of_an_event_round_trips_and_older_records_have_none) {
  auto e = sample();
  e.caused_by.correlation = new_correlation('r');
  e.caused_by.causation = 41;
  auto value = encode_value(e);
  EXPECT_EQ(value[0], 'C');
  EXPECT_EQ(decode_value(value, e.seq).value(), e);
  auto j = to_json(e);
  EXPECT_EQ(j["cause"]["correlation"], e.caused_by.correlation);
  EXPECT_EQ(j["cause"]["causation"], 41);
  EXPECT_EQ(from_json(j).value(), e);
  j["cause"].erase("correlation");
  j["cause"].erase("causation");
  auto exported_before = from_json(j);
  ASSERT_TRUE(exported_before.ok());
  EXPECT_EQ(exported_before->caused_by.correlation, "");
  j["cause"]["correlation"] = std::string(65, 'x');
  EXPECT_FALSE(from_json(j).ok()) << "a correlation is at most 64 characters";

  // A 'B' record: the same envelope without the chain.
  auto b = sample();
  std::string old = encode_value(b);
  old[0] = 'B';
  auto origin_end = old.find("unix") + 4;
  old.erase(origin_end, 2);  // the empty correlation's length byte and the zero causation
  auto decoded = decode_value(old, b.seq);
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(decoded.value(), b);
}

TEST(codec, issue_18_correlation_ids_are_fresh_and_plain) {
  auto a = new_correlation('r'), b = new_correlation('r');
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 18u);
  EXPECT_EQ(a.rfind("r-", 0), 0u);
  EXPECT_EQ(new_correlation('s').rfind("s-", 0), 0u);
}

TEST(codec, corrupt_values_are_reported_not_thrown) {
  EXPECT_EQ(decode_value("", 1).error().code(), errc::corruption);
  EXPECT_EQ(decode_value("X123", 1).error().code(), errc::corruption);
  EXPECT_EQ(decode_value(std::string("M\xc1\xff", 3), 1).error().code(), errc::corruption);
  EXPECT_EQ(decode_value(std::string("B\xff\xff\xff", 4), 1).error().code(), errc::corruption);
  auto valid = encode_value(sample());
  for (std::size_t cut = 1; cut < valid.size(); ++cut) {
    EXPECT_FALSE(decode_value(valid.substr(0, cut), 1).ok()) << "cut at " << cut;
  }
  nlohmann::json missing = to_json(sample());
  missing.erase("type");
  EXPECT_EQ(from_json(missing).error().code(), errc::corruption);
}

TEST(codec, times_format_and_parse) {
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00.000000Z");
  auto t = parse_time("2025-11-25T12:00:00.123456Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value(), 1764072000123456);
  EXPECT_EQ(parse_time("2025-11-25T12:00:00Z").value(), 1764072000000000);
  EXPECT_EQ(parse_time("2025-11-25T12:00:00.5Z").value(), 1764072000500000);
  EXPECT_FALSE(parse_time("yesterday").ok());
  EXPECT_FALSE(parse_time("2025-11-25T12:00:00+02:00").ok());
}

// Found by the event decoder fuzz target (fuzz/corpus/event_decoder/regression-non-ascii-envelope.bin):
// a record whose envelope strings are not ASCII decoded, and its JSON form then threw when written.
TEST(codec, issue7_records_with_foreign_envelope_strings_or_payloads_are_corrupt) {
  auto refused = [](const event& e) {
    auto r = decode_value(encode_value(e), 1);
    return !r.ok() && r.error().code() == errc::corruption;
  };
  auto e = sample();
  e.type = std::string("identity.") + '\x97' + "created";
  EXPECT_TRUE(refused(e)) << "non-ASCII type";
  e = sample();
  e.id = "7\n";
  EXPECT_TRUE(refused(e)) << "control character in the id";
  e = sample();
  e.payload = nlohmann::json::array({1, 2});
  EXPECT_TRUE(refused(e)) << "payloads are maps";
  EXPECT_FALSE(refused(sample()));
}

}  // namespace
}  // namespace kaso::events
