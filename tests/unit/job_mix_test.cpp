#include "loadtest/job_mix.hpp"
#include "loadtest/job_client.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace coqueue::loadtest {
namespace {

namespace json = boost::json;

JobMix parse_ok(const std::string& spec, std::size_t payload_bytes = 0) {
  auto parsed = JobMix::parse(spec, payload_bytes);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << spec << ": " << *error;
    return std::get<JobMix>(JobMix::parse("echo"));
  }
  return std::get<JobMix>(std::move(parsed));
}

std::string parse_error(const std::string& spec) {
  auto parsed = JobMix::parse(spec);
  if (const auto* error = std::get_if<std::string>(&parsed)) return *error;
  ADD_FAILURE() << spec << " was accepted";
  return {};
}

// The entry index of each job in one cycle, read back through body().
std::vector<std::size_t> cycle(const JobMix& mix) {
  int total = 0;
  for (const MixEntry& e : mix.entries()) total += e.weight;
  std::vector<std::size_t> out;
  for (int n = 0; n < total; ++n) {
    for (std::size_t i = 0; i < mix.entries().size(); ++i) {
      if (&mix.body(static_cast<std::size_t>(n)) == &mix.entries()[i].body) out.push_back(i);
    }
  }
  return out;
}

TEST(JobMix, BodiesAreJsonOfTheRightTypeAndMilliseconds) {
  const JobMix mix = parse_ok("echo,sleep:20,cpu:2,sleep:0");
  ASSERT_EQ(mix.entries().size(), 4u);
  EXPECT_EQ(mix.spec(), "echo,sleep:20,cpu:2,sleep:0");

  const struct {
    const char* label;
    const char* type;
    std::int64_t ms;  // -1: no ms
  } expected[] = {{"echo", "echo", -1},
                  {"sleep:20", "sleep", 20},
                  {"cpu:2", "cpu", 2},
                  {"sleep:0", "sleep", 0}};
  for (std::size_t i = 0; i < 4; ++i) {
    const MixEntry& e = mix.entries()[i];
    EXPECT_EQ(e.label, expected[i].label);
    EXPECT_EQ(e.weight, 1);
    boost::system::error_code ec;
    const json::value body = json::parse(e.body, ec);
    ASSERT_FALSE(ec) << e.body;
    ASSERT_TRUE(body.is_object()) << e.body;
    EXPECT_EQ(body.at("type").as_string(), expected[i].type) << e.body;
    const json::object& payload = body.at("payload").as_object();
    if (expected[i].ms < 0) {
      EXPECT_TRUE(payload.empty()) << e.body;
    } else {
      EXPECT_EQ(payload.at("ms").as_int64(), expected[i].ms) << e.body;
    }
  }
}

TEST(JobMix, WeightsOneAndThreeInterleaveSmoothly) {
  const JobMix mix = parse_ok("cpu:2=1,sleep:20=3");
  ASSERT_EQ(mix.entries().size(), 2u);
  EXPECT_EQ(mix.entries()[0].weight, 1);
  EXPECT_EQ(mix.entries()[1].weight, 3);
  // Smooth weighted round robin: the heavier entry first, then the light one inside the cycle
  // rather than bunched at an end.
  EXPECT_EQ(cycle(mix), (std::vector<std::size_t>{1, 0, 1, 1}));
  // The cycle repeats.
  for (std::size_t n = 0; n < 40; ++n) EXPECT_EQ(&mix.body(n), &mix.body(n % 4)) << n;
}

TEST(JobMix, EveryPrefixKeepsTheProportions) {
  for (const std::string spec : {"echo=5,sleep:1=3,cpu:1=2", "echo=3,sleep:1=5,cpu:1,cpu:2",
                                 "echo=7,cpu:3", "echo=100,sleep:5"}) {
    const JobMix mix = parse_ok(spec);
    const std::vector<std::size_t> order = cycle(mix);
    const std::size_t n_entries = mix.entries().size();
    int total = 0;
    for (const MixEntry& e : mix.entries()) total += e.weight;
    ASSERT_EQ(order.size(), static_cast<std::size_t>(total)) << spec;

    // Over any first n jobs each kind is within one job of its share, so a step sees the mix
    // from its first jobs on.
    std::vector<int> seen(n_entries, 0);
    for (std::size_t n = 0; n < order.size(); ++n) {
      ++seen[order[n]];
      for (std::size_t i = 0; i < n_entries; ++i) {
        const double share =
            static_cast<double>(n + 1) * mix.entries()[i].weight / static_cast<double>(total);
        EXPECT_LT(std::abs(seen[i] - share), 1.0) << spec << " after " << n + 1 << " jobs";
      }
    }
    for (std::size_t i = 0; i < n_entries; ++i) EXPECT_EQ(seen[i], mix.entries()[i].weight);
  }
  EXPECT_EQ(cycle(parse_ok("echo=5,sleep:1=3,cpu:1=2")),
            (std::vector<std::size_t>{0, 1, 2, 0, 0, 1, 0, 2, 1, 0}));
}

TEST(JobMix, PayloadBytesPadEchoOnly) {
  const JobMix mix = parse_ok("echo,sleep:5,cpu:1", 16);
  const json::value echo = json::parse(mix.entries()[0].body);
  EXPECT_EQ(echo.at("payload").at("data").as_string(), std::string(16, 'x'));
  for (std::size_t i = 1; i < 3; ++i) {
    const json::value body = json::parse(mix.entries()[i].body);
    EXPECT_FALSE(body.at("payload").as_object().contains("data")) << mix.entries()[i].body;
  }
  EXPECT_EQ(mix.entries()[1].body, parse_ok("sleep:5").entries()[0].body);
}

TEST(JobMix, RejectsUnknownKinds) {
  for (const std::string spec : {"fib:3", "sleep", "cpu", "Echo", "echo:5x", "sleepy:5"}) {
    EXPECT_FALSE(parse_error(spec).empty()) << spec;
  }
  EXPECT_NE(parse_error("fib:3").find("unknown job 'fib:3'"), std::string::npos);
}

TEST(JobMix, RejectsBadMilliseconds) {
  for (const std::string spec : {"sleep:", "sleep:-1", "cpu:abc", "sleep:600001", "cpu:1.5"}) {
    EXPECT_NE(parse_error(spec).find("milliseconds"), std::string::npos) << spec;
  }
  parse_ok("sleep:600000");
}

TEST(JobMix, RejectsBadWeights) {
  for (const std::string spec :
       {"echo=0", "echo=-2", "echo=", "echo=x", "echo=1.5", "echo=10001", "cpu:2=3=4"}) {
    EXPECT_NE(parse_error(spec).find("weight"), std::string::npos) << spec;
  }
  EXPECT_NE(parse_error("echo=6000,cpu:1=5000").find("more than 10000"), std::string::npos);
  parse_ok("echo=6000,cpu:1=4000");
}

TEST(JobMix, RejectsEmptyEntries) {
  for (const std::string spec : {"", ",", "echo,", ",echo", "echo,,cpu:2"}) {
    EXPECT_NE(parse_error(spec).find("empty entry"), std::string::npos) << '"' << spec << '"';
  }
}

TEST(WaitMode, ParsesLongPollAndPolling) {
  const auto long_poll = WaitMode::parse("long-poll");
  ASSERT_TRUE(std::holds_alternative<WaitMode>(long_poll));
  EXPECT_TRUE(std::get<WaitMode>(long_poll).long_poll);
  EXPECT_EQ(std::get<WaitMode>(long_poll).describe(), "long-poll");

  const auto poll = WaitMode::parse("poll:250");
  ASSERT_TRUE(std::holds_alternative<WaitMode>(poll));
  EXPECT_FALSE(std::get<WaitMode>(poll).long_poll);
  EXPECT_EQ(std::get<WaitMode>(poll).poll_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(std::get<WaitMode>(poll).describe(), "poll:250");

  EXPECT_TRUE(std::holds_alternative<WaitMode>(WaitMode::parse("poll:1")));
  EXPECT_TRUE(std::holds_alternative<WaitMode>(WaitMode::parse("poll:60000")));

  const auto in_submit = WaitMode::parse("submit-wait");
  ASSERT_TRUE(std::holds_alternative<WaitMode>(in_submit));
  EXPECT_TRUE(std::get<WaitMode>(in_submit).in_submit);
  EXPECT_EQ(std::get<WaitMode>(in_submit).describe(), "submit-wait");
}

TEST(WaitMode, RejectsAnythingElse) {
  for (const std::string text : {"", "longpoll", "long-poll ", "poll", "poll:", "poll:0", "poll:-5",
                                 "poll:60001", "poll:abc", "poll:10ms", "sleep:5", "submit"}) {
    const auto parsed = WaitMode::parse(text);
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << '"' << text << '"';
    EXPECT_NE(std::get<std::string>(parsed).find("--wait"), std::string::npos);
  }
}

TEST(Target, AcceptsLoopbackHttpUrls) {
  const auto ip = Target::parse("http://127.0.0.1:8080");
  ASSERT_TRUE(std::holds_alternative<Target>(ip)) << std::get<std::string>(ip);
  EXPECT_EQ(std::get<Target>(ip).host, "127.0.0.1:8080");
  EXPECT_EQ(std::get<Target>(ip).endpoint.address().to_string(), "127.0.0.1");
  EXPECT_EQ(std::get<Target>(ip).endpoint.port(), 8080);

  const auto name = Target::parse("http://localhost:9");
  ASSERT_TRUE(std::holds_alternative<Target>(name)) << std::get<std::string>(name);
  EXPECT_EQ(std::get<Target>(name).host, "localhost:9");
  EXPECT_TRUE(std::get<Target>(name).endpoint.address().is_loopback());
  EXPECT_EQ(std::get<Target>(name).endpoint.port(), 9);

  const auto with_path = Target::parse("http://127.0.0.2:7000/jobs");
  ASSERT_TRUE(std::holds_alternative<Target>(with_path));
  EXPECT_EQ(std::get<Target>(with_path).host, "127.0.0.2:7000");

  const auto no_port = Target::parse("http://127.0.0.1");
  ASSERT_TRUE(std::holds_alternative<Target>(no_port));
  EXPECT_EQ(std::get<Target>(no_port).endpoint.port(), 80);
}

TEST(Target, RejectsOtherSchemesAndMachines) {
  for (const std::string url :
       {"https://127.0.0.1:8080", "127.0.0.1:8080", "ftp://localhost:21", "HTTP://127.0.0.1:80"}) {
    const auto parsed = Target::parse(url);
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << url;
    EXPECT_NE(std::get<std::string>(parsed).find("not an http://"), std::string::npos) << url;
  }
  for (const std::string url : {"http://10.0.0.1:8080", "http://192.168.1.5:80",
                                "http://8.8.8.8:53", "http://0.0.0.0:8080"}) {
    const auto parsed = Target::parse(url);
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << url;
    EXPECT_NE(std::get<std::string>(parsed).find("loopback"), std::string::npos) << url;
  }
  for (const std::string url : {"http://example.com:80", "http://127.0.0.1:0",
                                "http://127.0.0.1:65536", "http://127.0.0.1:http", "http://:80"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(Target::parse(url))) << url;
  }
}

}  // namespace
}  // namespace coqueue::loadtest
