#include "events/codec.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace kaso::events {
namespace {

// The first byte of every stored value. 'M': MessagePack of to_json(event). New formats get new
// bytes; old ones stay readable forever.
constexpr char format_msgpack = 'M';

}  // namespace

std::string encode_key(std::uint64_t seq) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<char>(seq & 0xff);
    seq >>= 8;
  }
  return key;
}

std::uint64_t decode_key(std::string_view key) {
  if (key.size() != 8) return 0;
  std::uint64_t seq = 0;
  for (unsigned char c : key) seq = (seq << 8) | c;
  return seq;
}

nlohmann::json to_json(const event& e) {
  return {
      {"seq", e.seq},
      {"time", format_time(e.time_us)},
      {"time_us", e.time_us},
      {"kind", e.kind},
      {"id", e.id},
      {"version", e.version},
      {"type", e.type},
      {"schema", e.schema},
      {"payload", e.payload},
      {"cause", {{"uid", e.caused_by.uid}, {"pid", e.caused_by.pid}, {"origin", e.caused_by.origin}}},
  };
}

result<event> from_json(const nlohmann::json& j) {
  try {
    event e;
    e.seq = j.at("seq").get<std::uint64_t>();
    e.time_us = j.at("time_us").get<std::int64_t>();
    e.kind = j.at("kind").get<std::string>();
    e.id = j.at("id").get<std::string>();
    e.version = j.at("version").get<std::uint64_t>();
    e.type = j.at("type").get<std::string>();
    e.schema = j.at("schema").get<std::uint32_t>();
    e.payload = j.at("payload");
    const auto& c = j.at("cause");
    e.caused_by.uid = c.at("uid").get<std::int64_t>();
    e.caused_by.pid = c.at("pid").get<std::int64_t>();
    e.caused_by.origin = c.at("origin").get<std::string>();
    return e;
  } catch (const nlohmann::json::exception& ex) {
    return error::corruption(std::string("undecodable event: ") + ex.what());
  }
}

std::string encode_value(const event& e) {
  auto j = to_json(e);
  j.erase("time");  // derived from time_us
  std::string out(1, format_msgpack);
  nlohmann::json::to_msgpack(j, out);
  return out;
}

result<event> decode_value(std::string_view value) {
  if (value.empty()) return error::corruption("empty event record");
  if (value[0] != format_msgpack) {
    return error::corruption("unknown event record format byte " + std::to_string(int(value[0])));
  }
  auto j = nlohmann::json::from_msgpack(value.substr(1), true, false);
  if (j.is_discarded()) return error::corruption("event record is not valid MessagePack");
  return from_json(j);
}

std::string format_time(std::int64_t time_us) {
  std::time_t secs = static_cast<std::time_t>(time_us / 1000000);
  long micros = static_cast<long>(time_us % 1000000);
  if (micros < 0) {
    micros += 1000000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
  return buf.data();
}

result<std::int64_t> parse_time(std::string_view text) {
  int y, mo, d, h, mi, s;
  char tail[16] = {0};
  std::string copy(text.substr(0, 40));
  int n = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%15s", &y, &mo, &d, &h, &mi, &s, tail);
  if (n < 6) return error::invalid_argument("not an ISO-8601 UTC time: '" + copy + "'");
  long micros = 0;
  std::string_view rest(tail);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    std::size_t digits = 0;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
    std::string frac(rest.substr(0, digits));
    frac.resize(6, '0');
    micros = std::stol(frac.substr(0, 6));
    rest.remove_prefix(digits);
  }
  if (rest != "Z" && !rest.empty()) {
    return error::invalid_argument("time must be UTC (end in Z): '" + copy + "'");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t secs = timegm(&tm);
  return static_cast<std::int64_t>(secs) * 1000000 + micros;
}

}  // namespace kaso::events
