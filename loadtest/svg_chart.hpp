#pragma once
// Small SVG charts drawn in C++ for a report that must open with no network and no scripts:
// line charts, grouped bar charts and a grid of small line charts sharing their scales.
// The output is meant to be inlined in HTML, so the <svg> carries no XML namespace.

#include <optional>
#include <string>
#include <vector>

namespace coqueue::loadtest {

struct ChartPoint {
  double x = 0;
  double y = 0;
};

struct ChartSeries {
  std::string label;
  std::string color;  // empty: the next colour of the palette
  std::vector<ChartPoint> points;
};

// A dashed horizontal line, a goal or a ceiling; the y axis always reaches it.
struct ReferenceLine {
  double y = 0;
  std::string label;
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ChartSeries> series;
  std::vector<ReferenceLine> references;
  std::optional<double> x_max;  // fixed ends, so panels side by side compare at a glance
  std::optional<double> y_max;
  bool markers = true;  // a dot on every point; a lone point always gets one
  bool legend = true;
  int width = 580;
  int height = 320;
};

struct BarSeries {
  std::string label;
  std::string color;
  std::vector<std::optional<double>> values;  // one per category; nullopt draws no bar
};

struct BarChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  std::vector<ReferenceLine> references;
  int width = 580;
  int height = 320;
};

// Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi], about `count` of them.
// Always at least two, ascending, finite, whatever lo and hi are.
std::vector<double> nice_ticks(double lo, double hi, int count = 5);

// Both axes start at zero (or below, for negative data). Points that are not finite are left out.
std::string svg_line_chart(const LineChart& chart);
std::string svg_bar_chart(const BarChart& chart);

// One <svg> holding the panels in a grid of `columns`, all on the same x and y scales.
std::string svg_small_multiples(const std::string& title, std::vector<LineChart> panels,
                                int columns);

}  // namespace coqueue::loadtest
