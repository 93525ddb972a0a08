#include "server/prometheus_text.hpp"

#include <gtest/gtest.h>

#include "server/http_metrics.hpp"

namespace coqueue::server {
namespace {

TEST(PrometheusText, WritesFamiliesAndEscapesLabelValues) {
  PrometheusText out;
  out.family("coqueue_x_total", "counter", "A help text with a \\ and a\nnewline.");
  out.sample("coqueue_x_total", {{"queue", "a\"b\\c\nd"}}, 3);
  out.sample("coqueue_x_total", {}, 0.25);
  EXPECT_EQ(out.text(),
            "# HELP coqueue_x_total A help text with a \\\\ and a\\nnewline.\n"
            "# TYPE coqueue_x_total counter\n"
            "coqueue_x_total{queue=\"a\\\"b\\\\c\\nd\"} 3\n"
            "coqueue_x_total 0.25\n");
}

TEST(PrometheusText, HistogramBucketsAreCumulativeWithInfEqualToTheCount) {
  PrometheusText out;
  out.histogram("h_seconds", {{"route", "r"}}, {0.0005, 1}, {2, 3, 4}, 12.5, 9);
  EXPECT_EQ(out.text(),
            "h_seconds_bucket{route=\"r\",le=\"0.0005\"} 2\n"
            "h_seconds_bucket{route=\"r\",le=\"1\"} 5\n"
            "h_seconds_bucket{route=\"r\",le=\"+Inf\"} 9\n"
            "h_seconds_sum{route=\"r\"} 12.5\n"
            "h_seconds_count{route=\"r\"} 9\n");
}

TEST(PrometheusText, AnEmptyHistogramHasZeroBuckets) {
  PrometheusText out;
  out.histogram("h_seconds", {}, {1}, {}, 0, 0);
  EXPECT_EQ(out.text(),
            "h_seconds_bucket{le=\"1\"} 0\nh_seconds_bucket{le=\"+Inf\"} 0\nh_seconds_sum 0\n"
            "h_seconds_count 0\n");
}

// With --threads each thread counts its own requests; a scrape sums them.
TEST(HttpMetrics, AnotherThreadsFiguresAddUp) {
  HttpMetrics mine;
  HttpMetrics other;
  mine.observe("submit_job", 202, 0.001);
  other.observe("submit_job", 202, 0.001);
  other.observe("get_job", 200, 0.002);
  mine.add(other);
  PrometheusText out;
  mine.write(out);
  const std::string& t = out.text();
  EXPECT_NE(t.find("coqueue_http_requests_total{route=\"submit_job\",code=\"202\"} 2\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("coqueue_http_requests_total{route=\"get_job\",code=\"200\"} 1\n"),
            std::string::npos);
  EXPECT_NE(t.find("coqueue_http_request_duration_seconds_count{route=\"submit_job\"} 2\n"),
            std::string::npos)
      << t;
}

TEST(HttpMetrics, CountsByRouteAndCodeAndTimesByRoute) {
  HttpMetrics m;
  m.observe("submit_job", 202, 0.0004);
  m.observe("submit_job", 202, 0.002);
  m.observe("submit_job", 422, 0.0001);
  m.observe("unmatched", 404, 0.0001);
  PrometheusText out;
  m.write(out);
  const std::string& t = out.text();
  EXPECT_NE(t.find("coqueue_http_requests_total{route=\"submit_job\",code=\"202\"} 2\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("coqueue_http_requests_total{route=\"submit_job\",code=\"422\"} 1\n"),
            std::string::npos);
  EXPECT_NE(t.find("coqueue_http_requests_total{route=\"unmatched\",code=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(t.find("coqueue_http_request_duration_seconds_bucket{route=\"submit_job\","
                   "le=\"0.0005\"} 2\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("coqueue_http_request_duration_seconds_count{route=\"submit_job\"} 3\n"),
            std::string::npos);
}

}  // namespace
}  // namespace coqueue::server
