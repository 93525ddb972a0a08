#include "core/redis/resp_parser.hpp"

#include <gtest/gtest.h>

#include "core/redis/redis_errc.hpp"
#include "core/redis/reply_builder.hpp"
#include "core/redis/request.hpp"
#include "tests/support/resp_feed.hpp"

namespace coqueue::redis {
namespace {

using Parsed = test::RespFeed;

Parsed parse_all(std::string_view bytes, std::size_t step = SIZE_MAX) {
  return test::feed_resp(bytes, step);
}

RespValue one(std::string_view bytes) {
  Parsed p = parse_all(bytes);
  EXPECT_FALSE(p.error) << p.error.message();
  EXPECT_EQ(p.replies.size(), 1u);
  return p.replies.empty() ? RespValue{} : p.replies.front();
}

TEST(RespParser, Resp2Scalars) {
  EXPECT_EQ(one("+OK\r\n").text, "OK");
  EXPECT_EQ(one("+OK\r\n").type, RespType::simple_string);
  const RespValue err = one("-ERR unknown command 'FOO'\r\n");
  EXPECT_TRUE(err.is_error());
  EXPECT_EQ(err.text, "ERR unknown command 'FOO'");
  EXPECT_EQ(one(":-42\r\n").integer, -42);
  EXPECT_EQ(one(":9223372036854775807\r\n").integer, INT64_MAX);
  EXPECT_EQ(one("$5\r\nhello\r\n").text, "hello");
  EXPECT_TRUE(one("$-1\r\n").is_null());
  EXPECT_TRUE(one("*-1\r\n").is_null());
  const RespValue empty = one("$0\r\n\r\n");
  EXPECT_EQ(empty.type, RespType::bulk_string);
  EXPECT_EQ(empty.text, "");
}

TEST(RespParser, BinarySafeBulkStrings) {
  const std::string value("a\r\nb\0c\r\n", 8);
  const RespValue v = one("$8\r\n" + value + "\r\n");
  EXPECT_EQ(v.text, value);
  EXPECT_EQ(v.text.size(), 8u);
}

TEST(RespParser, NestedArrays) {
  const RespValue v = one("*3\r\n:1\r\n*2\r\n$1\r\na\r\n*0\r\n$-1\r\n");
  ASSERT_EQ(v.type, RespType::array);
  ASSERT_EQ(v.elements.size(), 3u);
  EXPECT_EQ(v.elements[0].integer, 1);
  ASSERT_EQ(v.elements[1].elements.size(), 2u);
  EXPECT_EQ(v.elements[1].elements[0].text, "a");
  EXPECT_TRUE(v.elements[1].elements[1].elements.empty());
  EXPECT_TRUE(v.elements[2].is_null());
}

TEST(RespParser, Resp3Types) {
  const RespValue map = one("%2\r\n+a\r\n:1\r\n+b\r\n#t\r\n");
  ASSERT_EQ(map.type, RespType::map);
  ASSERT_EQ(map.elements.size(), 4u);
  EXPECT_EQ(map.elements[0].text, "a");
  EXPECT_EQ(map.elements[3].type, RespType::boolean);
  EXPECT_EQ(map.elements[3].integer, 1);
  EXPECT_EQ(one("~2\r\n:1\r\n:2\r\n").type, RespType::set);
  EXPECT_EQ(one(",3.14\r\n").text, "3.14");
  EXPECT_EQ(one(",-inf\r\n").type, RespType::double_number);
  EXPECT_EQ(one(",1e10\r\n").text, "1e10");
  EXPECT_EQ(one("(3492890328409238509324850943850943825024385\r\n").type, RespType::big_number);
  EXPECT_TRUE(one("_\r\n").is_null());
  EXPECT_EQ(one("#f\r\n").integer, 0);
  const RespValue bulk_error = one("!21\r\nSYNTAX invalid syntax\r\n");
  EXPECT_TRUE(bulk_error.is_error());
  EXPECT_EQ(bulk_error.text, "SYNTAX invalid syntax");
  EXPECT_EQ(one("=15\r\ntxt:Some string\r\n").text, "txt:Some string");
  const RespValue push = one(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
  EXPECT_EQ(push.type, RespType::push);
  EXPECT_EQ(push.elements[2].text, "hi");
}

TEST(RespParser, AttributesAreSkipped) {
  const RespValue v = one("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:7\r\n");
  ASSERT_EQ(v.type, RespType::array);
  EXPECT_EQ(v.elements[0].integer, 7);
}

TEST(RespParser, ByteByByteGivesTheSameReplies) {
  const std::string stream =
      "+OK\r\n*2\r\n$3\r\nfoo\r\n%1\r\n+k\r\n$4\r\nv\r\nv\r\n:5\r\n$0\r\n\r\n_\r\n";
  const Parsed whole = parse_all(stream);
  const Parsed bytewise = parse_all(stream, 1);
  ASSERT_FALSE(whole.error);
  ASSERT_FALSE(bytewise.error);
  ASSERT_EQ(whole.replies.size(), 5u);
  ASSERT_EQ(bytewise.replies.size(), 5u);
  EXPECT_EQ(bytewise.replies[1].elements[1].elements[1].text, "v\r\nv");
  EXPECT_EQ(bytewise.replies[2].integer, 5);
}

TEST(RespParser, IncompleteInputTakesNothing) {
  RespParser parser;
  RespNode node;
  std::size_t used = 99;
  EXPECT_EQ(parser.next("$5\r\nhel", node, used), RespParser::Status::need_more);
  EXPECT_EQ(used, 0u);
  EXPECT_EQ(parser.next("+O", node, used), RespParser::Status::need_more);
  EXPECT_EQ(parse_all("*2\r\n:1\r\n").replies.size(), 0u);
}

TEST(RespParser, MalformedInputIsAProtocolError) {
  for (const char* bad :
       {"?\r\n", ":abc\r\n", ":\r\n", "$-2\r\n", "$x\r\n", "$3\r\nabcd\r\n", "*-2\r\n", "#x\r\n",
        ",abc\r\n", "(12a\r\n", "_x\r\n", "~-1\r\n", "!-1\r\n"}) {
    EXPECT_EQ(parse_all(bad).error, redis_errc::protocol_error) << bad;
  }
}

TEST(RespParser, LimitsHold) {
  std::string deep;
  for (int i = 0; i < 17; ++i) deep += "*1\r\n";
  deep += ":1\r\n";
  const Parsed too_deep = parse_all(deep);
  EXPECT_EQ(too_deep.error, redis_errc::depth_limit);
  EXPECT_FALSE(too_deep.claimed_too_much) << "an error takes no bytes";
  std::string ok_depth;
  for (int i = 0; i < 16; ++i) ok_depth += "*1\r\n";
  ok_depth += ":1\r\n";
  EXPECT_FALSE(parse_all(ok_depth).error);
  EXPECT_EQ(parse_all("$536870913\r\n").error, redis_errc::bulk_too_large);
  EXPECT_EQ(parse_all("+" + std::string(70'000, 'x')).error, redis_errc::line_too_long);
}

TEST(RespParser, ErrorsAreSticky) {
  RespParser parser;
  RespNode node;
  std::size_t used = 0;
  EXPECT_EQ(parser.next("?\r\n", node, used), RespParser::Status::error);
  EXPECT_EQ(parser.next("+OK\r\n", node, used), RespParser::Status::error);
  parser.reset();
  EXPECT_EQ(parser.next("+OK\r\n", node, used), RespParser::Status::node);
}

TEST(Request, SerializesCommandsAsRespArrays) {
  Request r;
  r.push("SET", "key", std::string("a\r\nb"));
  r.push("INCRBY", "n", -5);
  r.push("PING");
  const std::vector<std::string> keys{"k1", "k2"};
  r.push_range("DEL", keys);
  EXPECT_EQ(r.commands(), 4u);
  EXPECT_EQ(r.payload(),
            "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$4\r\na\r\nb\r\n"
            "*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$2\r\n-5\r\n"
            "*1\r\n$4\r\nPING\r\n"
            "*3\r\n$3\r\nDEL\r\n$2\r\nk1\r\n$2\r\nk2\r\n");
}

}  // namespace
}  // namespace coqueue::redis
