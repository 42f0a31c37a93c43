#include "events/codec.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace kaso::events {
namespace {

// The first byte of every stored value; new formats get new bytes, old ones stay readable forever.
//   'C': as 'B', with the cause's correlation and causation after its origin. Written.
//   'B': the envelope in binary (see doc/event-log.md), then the payload as MessagePack. Read only.
//   'M': MessagePack of to_json(event). Read only.
constexpr char format_chained = 'C';
constexpr char format_binary = 'B';
constexpr std::size_t max_correlation = 64;
constexpr char format_msgpack = 'M';

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

// Reads the binary envelope; every read is bounds-checked, a short record is an error.
class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return false;
      auto byte = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  bool string(std::string& s) {
    std::uint64_t n = 0;
    if (!varint(n) || n > in_.size()) return false;
    s.assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  std::string_view rest() const { return in_; }

 private:
  std::string_view in_;
};

// Kinds, ids, types and origins are short printable ASCII; anything else is not ours.
bool plain_ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// A 'B' record, or with `chained` a 'C' record (the cause's correlation and causation too).
result<event> decode_binary(std::string_view value, std::uint64_t seq, bool chained) {
  reader r(value);
  event e;
  e.seq = seq;
  std::uint64_t time = 0, version = 0, schema = 0, uid = 0, pid = 0;
  bool ok = r.varint(time) && r.varint(version) && r.varint(schema) && r.varint(uid) &&
            r.varint(pid) && r.string(e.kind) && r.string(e.id) && r.string(e.type) &&
            r.string(e.caused_by.origin);
  if (ok && chained) ok = r.string(e.caused_by.correlation) && r.varint(e.caused_by.causation);
  if (!ok) return error::corruption("truncated event record");
  if (!plain_ascii(e.kind) || !plain_ascii(e.id) || !plain_ascii(e.type) || !plain_ascii(e.caused_by.origin) ||
      !plain_ascii(e.caused_by.correlation) || e.caused_by.correlation.size() > max_correlation) {
    return error::corruption("event record with a non-ASCII kind, id, type, origin or correlation");
  }
  e.time_us = unzigzag(time);
  e.version = version;
  e.schema = static_cast<std::uint32_t>(schema);
  e.caused_by.uid = unzigzag(uid);
  e.caused_by.pid = unzigzag(pid);
  e.payload = nlohmann::json::from_msgpack(r.rest(), true, false);
  if (e.payload.is_discarded() || !e.payload.is_object()) {
    return error::corruption("event payload is not a MessagePack map");
  }
  return e;
}

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
      {"cause",
       {{"uid", e.caused_by.uid},
        {"pid", e.caused_by.pid},
        {"origin", e.caused_by.origin},
        {"correlation", e.caused_by.correlation},
        {"causation", e.caused_by.causation}}},
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
    // Absent from exports and records written before chains were recorded.
    e.caused_by.correlation = c.value("correlation", std::string());
    e.caused_by.causation = c.value("causation", std::uint64_t{0});
    if (!plain_ascii(e.caused_by.correlation) || e.caused_by.correlation.size() > max_correlation) {
      return error::corruption("undecodable event: a correlation must be at most 64 printable ASCII characters");
    }
    return e;
  } catch (const nlohmann::json::exception& ex) {
    return error::corruption(std::string("undecodable event: ") + ex.what());
  }
}

std::string encode_value(const event& e) {
  std::string out(1, format_chained);
  put_varint(out, zigzag(e.time_us));
  put_varint(out, e.version);
  put_varint(out, e.schema);
  put_varint(out, zigzag(e.caused_by.uid));
  put_varint(out, zigzag(e.caused_by.pid));
  put_string(out, e.kind);
  put_string(out, e.id);
  put_string(out, e.type);
  put_string(out, e.caused_by.origin);
  put_string(out, e.caused_by.correlation);
  put_varint(out, e.caused_by.causation);
  nlohmann::json::to_msgpack(e.payload, out);
  return out;
}

result<event> decode_value(std::string_view value, std::uint64_t seq) {
  if (value.empty()) return error::corruption("empty event record");
  if (value[0] == format_chained) return decode_binary(value.substr(1), seq, true);
  if (value[0] == format_binary) return decode_binary(value.substr(1), seq, false);
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
