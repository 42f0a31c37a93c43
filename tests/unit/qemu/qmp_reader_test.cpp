// qmp_reader: line splitting across and within chunks, and bad lines reported in order without
// stopping the stream.
#include "qemu/qmp_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kaso::qemu {
namespace {

// Every message the reader has ready: the JSON dump, or "error:<code>".
std::vector<std::string> drain(qmp_reader& reader) {
  std::vector<std::string> out;
  while (auto message = reader.next()) {
    out.push_back(message->ok() ? message->value().dump()
                                : "error:" + std::string{to_string(message->error().code())});
  }
  return out;
}

const std::string greeting =
    R"({"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": []}})";

TEST(qmp_reader, one_message_in_one_chunk) {
  qmp_reader reader;
  reader.feed(greeting + "\r\n");
  auto messages = drain(reader);
  ASSERT_EQ(messages.size(), 1U);
  EXPECT_EQ(messages[0], nlohmann::json::parse(greeting).dump());
  EXPECT_EQ(reader.pending_bytes(), 0U);
}

TEST(qmp_reader, nothing_until_the_newline_arrives) {
  qmp_reader reader;
  reader.feed(R"({"return": )");
  EXPECT_FALSE(reader.next().has_value());
  EXPECT_EQ(reader.pending_bytes(), 11U);
  reader.feed("{}}");
  EXPECT_FALSE(reader.next().has_value());
  reader.feed("\r\n");
  EXPECT_EQ(drain(reader), std::vector<std::string>{R"({"return":{}})"});
  EXPECT_EQ(reader.pending_bytes(), 0U);
}

TEST(qmp_reader, split_byte_by_byte) {
  std::string stream = greeting + "\r\n" + R"({"return": {}, "id": 1})" + "\r\n";
  qmp_reader reader;
  std::vector<std::string> messages;
  for (char c : stream) {
    reader.feed(std::string_view{&c, 1});
    for (auto& m : drain(reader)) {
      messages.push_back(m);
    }
  }
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[1], R"({"id":1,"return":{}})");
}

TEST(qmp_reader, several_messages_in_one_chunk_and_a_partial_tail) {
  qmp_reader reader;
  reader.feed(
      "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n"
      "{\"return\": {\"status\": \"running\"}, \"id\": 7}\r\n"
      "{\"event\": \"RES");
  EXPECT_EQ(drain(reader),
            (std::vector<std::string>{
                R"({"event":"STOP","timestamp":{"microseconds":2,"seconds":1}})",
                R"({"id":7,"return":{"status":"running"}})"}));
  reader.feed("UME\"}\n");
  EXPECT_EQ(drain(reader), std::vector<std::string>{R"({"event":"RESUME"})"});
}

TEST(qmp_reader, garbage_line_is_an_error_in_order_and_the_stream_goes_on) {
  qmp_reader reader;
  reader.feed("{\"a\": 1}\n{not json at all\n{\"b\": 2}\n");
  EXPECT_EQ(drain(reader),
            (std::vector<std::string>{R"({"a":1})", "error:corruption", R"({"b":2})"}));
}

TEST(qmp_reader, non_objects_are_errors) {
  qmp_reader reader;
  reader.feed("[1, 2]\n42\n\"text\"\nnull\n{\"ok\": true} trailing\n");
  EXPECT_EQ(drain(reader), std::vector<std::string>(5, "error:corruption"));
}

TEST(qmp_reader, invalid_utf8_is_an_error_not_an_exception) {
  qmp_reader reader;
  reader.feed("{\"desc\": \"\xff\xfe\"}\n{\"ok\": 1}\n");
  EXPECT_EQ(drain(reader), (std::vector<std::string>{"error:corruption", R"({"ok":1})"}));
}

TEST(qmp_reader, blank_lines_are_skipped) {
  qmp_reader reader;
  reader.feed("\n\r\n  \t\r\n{\"x\": 1}\n\n");
  EXPECT_EQ(drain(reader), std::vector<std::string>{R"({"x":1})"});
}

TEST(qmp_reader, over_long_line_is_one_error_and_is_skipped_to_its_end) {
  qmp_reader reader{32};
  reader.feed("{\"short\": 1}\n{\"long\": \"");
  reader.feed(std::string(40, 'x'));  // passes the limit without a newline
  EXPECT_EQ(reader.pending_bytes(), 0U);
  reader.feed(std::string(40, 'y'));
  reader.feed("\"}\n{\"after\": 2}\n");
  EXPECT_EQ(drain(reader),
            (std::vector<std::string>{R"({"short":1})", "error:corruption", R"({"after":2})"}));
}

TEST(qmp_reader, line_of_exactly_the_limit_is_accepted) {
  std::string line = R"({"k": ")" + std::string(10, 'v') + R"("})";  // 18 bytes
  qmp_reader reader{line.size()};
  reader.feed(line.substr(0, 5));
  reader.feed(line.substr(5) + "\n");
  EXPECT_EQ(drain(reader), std::vector<std::string>{R"({"k":"vvvvvvvvvv"})"});
}

TEST(qmp_reader, deep_nesting_does_not_crash) {
  std::string deep;
  for (int i = 0; i < 20000; ++i) {
    deep += "{\"a\":";
  }
  deep += "1";
  deep += std::string(20000, '}');
  qmp_reader reader;
  reader.feed(deep + "\n" + std::string(20000, '[') + "\n");
  auto object = reader.next();
  ASSERT_TRUE(object.has_value());
  EXPECT_TRUE(object->ok());
  auto array = reader.next();
  ASSERT_TRUE(array.has_value());
  EXPECT_FALSE(array->ok());  // not an object (and never closed)
  EXPECT_FALSE(reader.next().has_value());
}

}  // namespace
}  // namespace kaso::qemu
