#include <cmath>
#include <limits>
#include <regex>
#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "loadtest/report_format.hpp"
#include "loadtest/report_html.hpp"
#include "loadtest/report_json.hpp"
#include "loadtest/report_markdown.hpp"
#include "loadtest/report_model.hpp"
#include "loadtest/svg_chart.hpp"

namespace coqueue::loadtest {
namespace {

namespace json = boost::json;

StepResult make_step(int workers, int clients, bool validation = false) {
  StepResult s;
  s.clients = clients;
  s.workers = workers;
  s.servers = 1;
  s.seconds = 20;
  s.jobs_per_s = 400.0 * workers * clients / (clients + 20.0);
  s.submitted_per_s = s.jobs_per_s;
  s.completed = static_cast<std::uint64_t>(s.jobs_per_s * s.seconds);
  s.submitted = s.completed + 3;
  s.latency_ms = {s.completed, 12.3456789, 10, 20, 30.0 * clients / (10.0 * workers), 60, 90};
  s.submit_latency_ms = {s.submitted, 1.5, 1, 2, 4, 6, 9};
  if (clients == 100) s.errors["http_503"] = 7;
  s.processes.push_back({"server", "server-1", 100, 40.0 + clients * 0.3, 8, 30});
  for (int w = 1; w <= workers; ++w) {
    s.processes.push_back({"worker", "worker-" + std::to_string(w), 200 + w, 50, 10, 20});
  }
  s.processes.push_back({"redis", "redis", 300, 25, 5, 12});
  s.processes.push_back({"loadgen", "loadgen", 400, 15, 3, 9});
  s.roles.push_back({"server", 1, 40.0 + clients * 0.3, 40.0 + clients * 0.3, 30, 30, 0.05});
  s.roles.push_back({"worker", workers, 50.0 * workers, 50, 20.0 * workers, 20, 0.1});
  s.roles.push_back({"redis", 1, 25, 25, 12, 12, 0.03});
  s.roles.push_back({"loadgen", 1, 15, 15, 9, 9, 0.02});
  for (int t = 0; t < 5; ++t) s.queue_depth.push_back({t * 1.0, t * clients / 10, workers});
  s.machine_cpu_percent = 70;
  s.validation = validation;
  return s;
}

Report make_report(bool model_error = false) {
  Report r;
  r.started_at = "2024-05-01T12:00:00Z";
  r.total_seconds = 321.5;
  r.machine = {2, 7.7, "Test CPU @ 2.0GHz", "6.1.0"};
  r.plan.target = "spawn";
  r.plan.servers = 1;
  r.plan.workers = {1, 2};
  r.plan.clients = {10, 50, 100};
  r.plan.worker_concurrency = 8;
  r.plan.duration_s = 20;
  r.plan.warmup_s = 5;
  r.plan.job_mix = "cpu:2=1,sleep:20=3";
  r.plan.wait = "long-poll";
  r.plan.p99_goal_ms = 100;
  r.plan.cpu_ceiling_percent = 80;
  for (const int w : r.plan.workers) {
    for (const int k : r.plan.clients) r.steps.push_back(make_step(w, k));
  }
  r.steps.push_back(make_step(2, 50, true));
  r.costs = {0.12, 0.25, 0.0456789, 0.04, 3.5, 310, 320, 8.5};

  Recommendation meets;
  meets.clients = 50;
  meets.workers = 2;
  meets.meets_goal = true;
  meets.headroom = 0.25;
  meets.jobs_per_s = 571.4;
  meets.p99_ms = 75;
  meets.busiest_cpu_percent = 55;
  meets.busiest_process = "server-1";
  meets.validation = Validation{50, 2, 571.4, 500, 75, 80, 0.125, 0.067, model_error};
  r.recommendations.push_back(meets);

  Recommendation fails;
  fails.clients = 100;
  fails.workers = 0;
  fails.meets_goal = false;
  fails.headroom = -0.5;
  fails.jobs_per_s = 667;
  fails.p99_ms = 150;
  fails.busiest_cpu_percent = 95;
  fails.busiest_process = "worker-1";
  fails.advice = "add a server; the worker is at its CPU ceiling";
  r.recommendations.push_back(fails);

  r.extrapolations = {{1000, 4, 2, 1, 6}, {10000, 32, 12, 3, 48}};
  r.assumptions = {"costs per job stay constant", "Redis scales by sharding"};
  r.notes = {"step K=400 W=1 failed: <timeout> & more"};
  return r;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

bool has_not_a_number(const std::string& text) {
  static const std::regex bad(R"(\b(nan|inf|infinity)\b)", std::regex::icase);
  return std::regex_search(text, bad);
}

void expect_int(const json::object& o, const char* key) {
  ASSERT_TRUE(o.contains(key)) << key;
  EXPECT_TRUE(o.at(key).is_int64()) << key << " is " << json::to_string(o.at(key).kind());
}

TEST(ReportJson, RequiredFieldsWithIntegerTypes) {
  const json::value v = json::parse(report_json_text(make_report()));
  const json::object& top = v.as_object();
  for (const char* key :
       {"schema_version", "started_at", "total_seconds", "machine", "plan", "steps", "costs",
        "recommendations", "extrapolations", "assumptions", "notes"}) {
    EXPECT_TRUE(top.contains(key)) << key;
  }
  expect_int(top, "schema_version");
  expect_int(top.at("machine").as_object(), "cores");
  expect_int(top.at("plan").as_object(), "servers");
  EXPECT_TRUE(top.at("plan").at("clients").as_array().at(2).is_int64());

  const json::array& steps = top.at("steps").as_array();
  ASSERT_EQ(steps.size(), 7u);
  const json::object& step = steps.at(2).as_object();
  for (const char* key : {"clients", "workers", "servers", "submitted", "completed"}) {
    expect_int(step, key);
  }
  EXPECT_EQ(step.at("clients").as_int64(), 100);
  EXPECT_TRUE(step.at("jobs_per_s").is_double());
  for (const char* summary : {"latency_ms", "submit_latency_ms"}) {
    const json::object& l = step.at(summary).as_object();
    expect_int(l, "count");
    for (const char* key : {"mean", "p50", "p90", "p99", "p999", "max"}) {
      EXPECT_TRUE(l.at(key).is_double()) << summary << "." << key;
    }
  }
  EXPECT_DOUBLE_EQ(step.at("latency_ms").at("mean").as_double(), 12.346);  // rounded
  EXPECT_EQ(step.at("errors").at("http_503").as_int64(), 7);
  EXPECT_EQ(step.at("roles").as_array().size(), 4u);
  EXPECT_EQ(step.at("processes").as_array().size(), 4u);
  expect_int(step.at("processes").at(0).as_object(), "pid");
  expect_int(step.at("queue_depth").at(1).as_object(), "pending");

  const json::object& rec = top.at("recommendations").at(0).as_object();
  for (const char* key : {"clients", "workers"}) expect_int(rec, key);
  EXPECT_TRUE(rec.at("meets_goal").is_bool());
  EXPECT_DOUBLE_EQ(rec.at("headroom").as_double(), 0.25);
  expect_int(top.at("extrapolations").at(1).as_object(), "redis_instances");
  // Small costs keep three significant digits.
  EXPECT_DOUBLE_EQ(top.at("costs").at("redis_cpu_ms_per_job").as_double(), 0.0457);
}

TEST(ReportJson, CpuAndRssPerRole) {
  const json::value v = report_to_json(make_report());
  const json::object& step = v.at("steps").at(4).as_object();  // W=2, K=50
  const json::object& cpu = step.at("cpu_percent").as_object();
  const json::object& rss = step.at("rss_mb").as_object();
  EXPECT_EQ(cpu.size(), 4u);
  EXPECT_DOUBLE_EQ(cpu.at("server").as_double(), 55);
  EXPECT_DOUBLE_EQ(cpu.at("worker").as_double(), 100);
  EXPECT_DOUBLE_EQ(cpu.at("redis").as_double(), 25);
  EXPECT_DOUBLE_EQ(cpu.at("loadgen").as_double(), 15);
  EXPECT_DOUBLE_EQ(rss.at("worker").as_double(), 40);
  EXPECT_DOUBLE_EQ(rss.at("server").as_double(), 30);
}

TEST(ReportJson, ValidationNullOrObject) {
  const json::value v = json::parse(report_json_text(make_report(true)));
  const json::value& with = v.at("recommendations").at(0).at("validation");
  ASSERT_TRUE(with.is_object());
  EXPECT_EQ(with.at("clients").as_int64(), 50);
  EXPECT_TRUE(with.at("model_error").as_bool());
  EXPECT_DOUBLE_EQ(with.at("measured_jobs_per_s").as_double(), 500);
  EXPECT_TRUE(v.at("recommendations").at(1).at("validation").is_null());
  EXPECT_EQ(v.at("recommendations").at(1).at("advice").as_string(),
            "add a server; the worker is at its CPU ceiling");
}

TEST(ReportJson, TextIsReadableAndNonFiniteIsNull) {
  Report r = make_report();
  r.total_seconds = std::numeric_limits<double>::quiet_NaN();
  r.costs.service_ms = std::numeric_limits<double>::infinity();
  const std::string text = report_json_text(r);
  EXPECT_FALSE(has_not_a_number(text));
  EXPECT_EQ(text.find("E1"), std::string::npos) << "plain decimals, not exponents";
  EXPECT_GT(count_of(text, "\n"), 20u);
  const json::value v = json::parse(text);
  EXPECT_TRUE(v.at("total_seconds").is_null());
  EXPECT_TRUE(v.at("costs").at("service_ms").is_null());
}

TEST(ReportMarkdown, HasTheTables) {
  const std::string md = report_markdown(make_report());
  for (const char* heading : {"# coqueue capacity report", "## Recommendations", "## Validation",
                              "## Steps", "## Costs per job", "## Extrapolation", "## Notes"}) {
    EXPECT_NE(md.find(heading), std::string::npos) << heading;
  }
  EXPECT_NE(md.find("| Clients | Workers | Meets goal | p99 ms |"), std::string::npos);
  EXPECT_NE(md.find("| CPU % server | CPU % worker | CPU % redis | CPU % loadgen |"),
            std::string::npos);
  EXPECT_NE(md.find("add a server; the worker is at its CPU ceiling"), std::string::npos);
  EXPECT_NE(md.find("| 100 | none | no |"), std::string::npos);
  EXPECT_NE(md.find("2024-05-01T12:00:00Z"), std::string::npos);
  EXPECT_NE(md.find("Redis scales by sharding"), std::string::npos);
  EXPECT_NE(md.find("K=100 W=1: http_503 7"), std::string::npos);
  EXPECT_EQ(md.find("MODEL ERROR"), std::string::npos);
  EXPECT_FALSE(has_not_a_number(md));
}

TEST(ReportMarkdown, FlagsModelError) {
  const std::string md = report_markdown(make_report(true));
  EXPECT_NE(md.find("| MODEL ERROR |"), std::string::npos);
  EXPECT_NE(md.find("**MODEL ERROR at K=50 W=2"), std::string::npos);
}

TEST(ReportHtml, FourChartsSelfContained) {
  const std::string html = report_html(make_report(true));
  EXPECT_EQ(count_of(html, "<svg"), 4u);
  EXPECT_EQ(count_of(html, "</svg>"), 4u);
  EXPECT_FALSE(has_not_a_number(html));
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("p99 goal 100 ms"), std::string::npos);
  EXPECT_NE(html.find("ceiling 80%"), std::string::npos);
  EXPECT_NE(html.find("K=50 W=2 (validation)"), std::string::npos);
  EXPECT_NE(html.find("W=2 at K=100"), std::string::npos);
  EXPECT_NE(html.find("MODEL ERROR"), std::string::npos);
  EXPECT_NE(html.find("<table>"), std::string::npos);
}

TEST(ReportHtml, EscapesText) {
  const std::string html = report_html(make_report());
  EXPECT_NE(html.find("failed: &lt;timeout&gt; &amp; more"), std::string::npos);
  EXPECT_EQ(html.find("<timeout>"), std::string::npos);
}

TEST(ReportHtml, EmptyReport) {
  const std::string html = report_html(Report{});
  EXPECT_EQ(count_of(html, "<svg"), 4u);
  EXPECT_FALSE(has_not_a_number(html));
  EXPECT_NE(html.find("no data"), std::string::npos);
}

TEST(ReportFormat, Numbers) {
  EXPECT_EQ(format_sig(1234.7), "1235");
  EXPECT_EQ(format_sig(12.345), "12.3");
  EXPECT_EQ(format_sig(0.01234), "0.0123");
  EXPECT_EQ(format_sig(2.0), "2");
  EXPECT_EQ(format_sig(0), "0");
  EXPECT_EQ(format_sig(-0.0001, 1), "-0.0001");
  EXPECT_EQ(format_fixed(-0.001, 1), "0.0");
  EXPECT_EQ(format_sig(std::nan("")), "\u2013");
  EXPECT_EQ(format_fraction_percent(0.254), "25%");
  EXPECT_DOUBLE_EQ(round_for_report(12.3456), 12.346);
  EXPECT_DOUBLE_EQ(round_for_report(0.000123456), 0.000123);
  EXPECT_EQ(escape_html("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
}

TEST(SvgChart, NiceTicks) {
  EXPECT_EQ(nice_ticks(0, 95), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  const std::vector<double> unit = nice_ticks(0, 0);
  EXPECT_EQ(unit.size(), 6u);
  EXPECT_DOUBLE_EQ(unit.back(), 1);
  const std::vector<double> odd = nice_ticks(std::nan(""), std::numeric_limits<double>::infinity());
  ASSERT_GE(odd.size(), 2u);
  for (const double t : odd) EXPECT_TRUE(std::isfinite(t));
  const std::vector<double> same = nice_ticks(7, 7);
  ASSERT_GE(same.size(), 2u);
  EXPECT_LT(same.front(), same.back());
}

TEST(SvgChart, EmptySeriesAndSinglePoint) {
  LineChart empty;
  empty.title = "empty";
  empty.series.push_back({"none", "", {}});
  const std::string a = svg_line_chart(empty);
  EXPECT_FALSE(has_not_a_number(a));
  EXPECT_NE(a.find("no data"), std::string::npos);

  LineChart single;
  single.series.push_back({"one", "", {{5, 5}}});
  single.references.push_back({std::nan(""), "ignored"});
  const std::string b = svg_line_chart(single);
  EXPECT_FALSE(has_not_a_number(b));
  EXPECT_EQ(count_of(b, "<circle"), 1u);
  EXPECT_EQ(b.find("no data"), std::string::npos);

  LineChart odd;
  odd.series.push_back({"odd", "", {{0, 0}, {1, std::nan("")}, {std::nan(""), 1}}});
  EXPECT_FALSE(has_not_a_number(svg_line_chart(odd)));

  BarChart bars;
  bars.categories = {"1"};
  bars.series.push_back({"server", "", {std::nullopt}});
  EXPECT_FALSE(has_not_a_number(svg_bar_chart(bars)));
  EXPECT_FALSE(has_not_a_number(svg_bar_chart(BarChart{})));
  EXPECT_FALSE(has_not_a_number(svg_small_multiples("none", {}, 3)));
  EXPECT_EQ(count_of(svg_small_multiples("one", {single}, 3), "<svg"), 1u);
}

}  // namespace
}  // namespace coqueue::loadtest
