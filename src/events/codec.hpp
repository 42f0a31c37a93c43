// Encoding of events: the RocksDB key (big-endian sequence number, so byte order is log order),
// the stored value (a format byte, the envelope in binary, the payload as MessagePack: the layout
// is in doc/event-log.md), and the JSON form that
// the API, `kaso events` and the replay tool's export use. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/event.hpp"
#include "util/error.hpp"

namespace kaso::events {

std::string encode_key(std::uint64_t seq);
// REQUIRES: key.size() == 8 (else returns 0, which no event has)
std::uint64_t decode_key(std::string_view key);

// The stored value does not repeat the sequence number: it is the key.
std::string encode_value(const event& e);
result<event> decode_value(std::string_view value, std::uint64_t seq);

nlohmann::json to_json(const event& e);
result<event> from_json(const nlohmann::json& j);

// "2026-11-25T12:00:00.123456Z"
std::string format_time(std::int64_t time_us);
// Accepts the format above, with or without fraction; returns invalid_argument otherwise.
result<std::int64_t> parse_time(std::string_view text);

}  // namespace kaso::events
