#include "loadtest/svg_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "loadtest/report_format.hpp"

namespace coqueue::loadtest {
namespace {

// Colour-blind friendly and distinct on white (the Okabe-Ito set, then two greys).
constexpr std::array<const char*, 10> palette = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                 "#CC79A7", "#56B4E9", "#F0E442", "#000000",
                                                 "#777777", "#BBBBBB"};

constexpr double margin_left = 64;
constexpr double margin_top = 40;
constexpr double margin_bottom = 52;
constexpr double margin_right_plain = 20;
constexpr double legend_width = 120;

std::string color_of(const std::string& color, std::size_t index) {
  return color.empty() ? palette[index % palette.size()] : color;
}

// Coordinates with one decimal: enough for a screen, short in the file.
std::string px(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string tick_label(double v, double step) {
  if (std::fabs(v) >= 10000 && step >= 1000) return format_sig(v / 1000, 6) + "k";
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return format_fixed(v, std::clamp(decimals, 0, 6));
}

struct Axis {
  std::vector<double> ticks;
  double lo = 0;
  double hi = 1;
};

Axis axis_over(double lo, double hi) {
  Axis a;
  a.ticks = nice_ticks(std::min(lo, 0.0), hi);
  a.lo = a.ticks.front();
  a.hi = a.ticks.back();
  return a;
}

// Maps a value of [lo, hi] to pixels of [from, to]; nice_ticks guarantees lo < hi.
double scale(double v, const Axis& a, double from, double to) {
  return from + (v - a.lo) / (a.hi - a.lo) * (to - from);
}

struct Frame {
  double width = 0;
  double height = 0;
  double left = margin_left;
  double top = margin_top;
  double right = 0;   // x of the plot's right edge
  double bottom = 0;  // y of the plot's bottom edge
};

Frame frame_of(int width, int height, bool legend) {
  Frame f;
  f.width = std::max(width, 200);
  f.height = std::max(height, 150);
  f.right = f.width - (legend ? legend_width : margin_right_plain);
  f.bottom = f.height - margin_bottom;
  return f;
}

std::string text(double x, double y, const std::string& s, const char* anchor,
                 const std::string& extra = "") {
  return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" text-anchor=\"" + anchor + "\"" + extra +
         ">" + escape_html(s) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const std::string& stroke,
                 const std::string& extra = "") {
  return "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) +
         "\" stroke=\"" + stroke + "\"" + extra + "/>\n";
}

// Title, axis labels, the y grid with its ticks, and the axis lines.
void draw_frame(std::string& out, const Frame& f, const std::string& title,
                const std::string& x_label, const std::string& y_label, const Axis& y) {
  out += "<rect width=\"" + px(f.width) + "\" height=\"" + px(f.height) + "\" fill=\"#fff\"/>\n";
  out +=
      text((f.left + f.right) / 2, 22, title, "middle", " font-weight=\"bold\" font-size=\"14\"");
  const double step = y.ticks.size() > 1 ? y.ticks[1] - y.ticks[0] : 1;
  for (const double t : y.ticks) {
    const double py = scale(t, y, f.bottom, f.top);
    out += line(f.left, py, f.right, py, "#e4e4e4");
    out += text(f.left - 6, py + 4, tick_label(t, step), "end");
  }
  out += line(f.left, f.top, f.left, f.bottom, "#333");
  out += line(f.left, f.bottom, f.right, f.bottom, "#333");
  out += text((f.left + f.right) / 2, f.height - 10, x_label, "middle");
  out += "<text transform=\"translate(16," + px((f.top + f.bottom) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + escape_html(y_label) + "</text>\n";
}

void draw_references(std::string& out, const Frame& f, const std::vector<ReferenceLine>& refs,
                     const Axis& y) {
  for (const ReferenceLine& r : refs) {
    if (!std::isfinite(r.y)) continue;
    const double py = scale(r.y, y, f.bottom, f.top);
    out += line(f.left, py, f.right, py, "#444", " stroke-width=\"1.5\" stroke-dasharray=\"6 4\"");
    // A white halo keeps the label legible where a series crosses it.
    out += text(f.right - 4, py - 5, r.label, "end",
                " fill=\"#444\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"");
  }
}

void draw_legend(std::string& out, const Frame& f, const std::vector<std::string>& labels,
                 const std::vector<std::string>& colors, bool boxes) {
  double y = f.top + 8;
  for (std::size_t i = 0; i < labels.size(); ++i, y += 18) {
    const double x = f.right + 14;
    if (boxes) {
      out += "<rect x=\"" + px(x) + "\" y=\"" + px(y - 6) +
             "\" width=\"16\" height=\"10\" fill=\"" + colors[i] + "\"/>\n";
    } else {
      out += line(x, y, x + 16, y, colors[i], " stroke-width=\"2.5\"");
    }
    out += text(x + 22, y + 4, labels[i], "start");
  }
}

void draw_no_data(std::string& out, const Frame& f) {
  out += text((f.left + f.right) / 2, (f.top + f.bottom) / 2, "no data", "middle",
              " fill=\"#888\" font-size=\"14\"");
}

std::vector<ChartPoint> finite_sorted(const std::vector<ChartPoint>& points) {
  std::vector<ChartPoint> out;
  for (const ChartPoint& p : points) {
    if (std::isfinite(p.x) && std::isfinite(p.y)) out.push_back(p);
  }
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.x < b.x; });
  return out;
}

std::string open_svg(double width, double height, const std::string& title) {
  return "<svg class=\"chart\" viewBox=\"0 0 " + px(width) + " " + px(height) + "\" width=\"" +
         px(width) + "\" height=\"" + px(height) + "\" role=\"img\" aria-label=\"" +
         escape_html(title) + "\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#222\">\n";
}

// The extent of a chart's data and references, for its axes.
struct Extent {
  double x_lo = 0, x_hi = 0, y_lo = 0, y_hi = 0;
  bool any = false;
};

Extent extent_of(const LineChart& c) {
  Extent e;
  for (const ChartSeries& s : c.series) {
    for (const ChartPoint& p : finite_sorted(s.points)) {
      e.x_lo = std::min(e.x_lo, p.x);
      e.x_hi = std::max(e.x_hi, p.x);
      e.y_lo = std::min(e.y_lo, p.y);
      e.y_hi = std::max(e.y_hi, p.y);
      e.any = true;
    }
  }
  for (const ReferenceLine& r : c.references) {
    // A little above the line, so its label fits under the top of the plot.
    if (std::isfinite(r.y)) e.y_hi = std::max(e.y_hi, r.y * 1.08);
  }
  return e;
}

void draw_line_chart(std::string& out, const LineChart& c) {
  const Frame f = frame_of(c.width, c.height, c.legend && !c.series.empty());
  const Extent e = extent_of(c);
  const Axis x = axis_over(e.x_lo, c.x_max.value_or(e.x_hi));
  const Axis y = axis_over(e.y_lo, c.y_max.value_or(e.y_hi));
  draw_frame(out, f, c.title, c.x_label, c.y_label, y);
  const double x_step = x.ticks.size() > 1 ? x.ticks[1] - x.ticks[0] : 1;
  for (const double t : x.ticks) {
    const double p = scale(t, x, f.left, f.right);
    out += line(p, f.bottom, p, f.bottom + 5, "#333");
    out += text(p, f.bottom + 18, tick_label(t, x_step), "middle");
  }
  draw_references(out, f, c.references, y);
  std::vector<std::string> labels;
  std::vector<std::string> colors;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const ChartSeries& s = c.series[i];
    const std::string color = color_of(s.color, i);
    labels.push_back(s.label);
    colors.push_back(color);
    const std::vector<ChartPoint> points = finite_sorted(s.points);
    std::string coords;
    for (const ChartPoint& p : points) {
      if (!coords.empty()) coords += ' ';
      coords += px(scale(p.x, x, f.left, f.right)) + "," + px(scale(p.y, y, f.bottom, f.top));
    }
    if (points.size() > 1) {
      out += "<polyline fill=\"none\" stroke=\"" + color +
             "\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"" + coords + "\"/>\n";
    }
    if (c.markers || points.size() == 1) {
      for (const ChartPoint& p : points) {
        out += "<circle cx=\"" + px(scale(p.x, x, f.left, f.right)) + "\" cy=\"" +
               px(scale(p.y, y, f.bottom, f.top)) + "\" r=\"3.5\" fill=\"" + color + "\"/>\n";
      }
    }
  }
  if (!e.any) draw_no_data(out, f);
  if (c.legend) draw_legend(out, f, labels, colors, false);
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!std::isfinite(lo)) lo = 0;
  if (!std::isfinite(hi)) hi = lo + 1;
  if (hi < lo) std::swap(lo, hi);
  if (!std::isfinite(hi - lo)) return {0, 1};
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) hi = lo == 0 ? 1 : lo + std::fabs(lo);
  const double rough = (hi - lo) / std::clamp(count, 1, 20);
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  const double normal = rough / magnitude;
  const double step = (normal < 1.5 ? 1 : normal < 3 ? 2 : normal < 7 ? 5 : 10) * magnitude;
  const double first = std::floor(lo / step) * step;
  const double last = std::ceil(hi / step) * step;
  std::vector<double> ticks;
  for (int i = 0; i <= 100; ++i) {
    double t = first + i * step;
    if (std::fabs(t) < step * 1e-9) t = 0;  // -0 and 1e-17 from rounding read badly
    ticks.push_back(t);
    if (t >= last - step * 1e-9) break;
  }
  if (ticks.size() < 2) ticks.push_back(ticks.front() + step);
  return ticks;
}

std::string svg_line_chart(const LineChart& chart) {
  const Frame f = frame_of(chart.width, chart.height, false);
  std::string out = open_svg(f.width, f.height, chart.title);
  draw_line_chart(out, chart);
  out += "</svg>\n";
  return out;
}

std::string svg_bar_chart(const BarChart& c) {
  const Frame f = frame_of(c.width, c.height, !c.series.empty());
  double y_hi = 0;
  double y_lo = 0;
  bool any = false;
  for (const BarSeries& s : c.series) {
    for (const auto& v : s.values) {
      if (!v || !std::isfinite(*v)) continue;
      y_hi = std::max(y_hi, *v);
      y_lo = std::min(y_lo, *v);
      any = true;
    }
  }
  for (const ReferenceLine& r : c.references) {
    if (std::isfinite(r.y)) y_hi = std::max(y_hi, r.y * 1.08);
  }
  const Axis y = axis_over(y_lo, y_hi);
  std::string out = open_svg(f.width, f.height, c.title);
  draw_frame(out, f, c.title, c.x_label, c.y_label, y);
  const double band =
      (f.right - f.left) / static_cast<double>(std::max<std::size_t>(c.categories.size(), 1));
  const double bar = band * 0.8 / static_cast<double>(std::max<std::size_t>(c.series.size(), 1));
  const double zero = scale(0, y, f.bottom, f.top);
  for (std::size_t i = 0; i < c.categories.size(); ++i) {
    const double group = f.left + band * static_cast<double>(i);
    out += text(group + band / 2, f.bottom + 18, c.categories[i], "middle");
    for (std::size_t j = 0; j < c.series.size(); ++j) {
      const BarSeries& s = c.series[j];
      if (i >= s.values.size() || !s.values[i] || !std::isfinite(*s.values[i])) continue;
      const double v = *s.values[i];
      const double top = scale(v, y, f.bottom, f.top);
      const double bx = group + band * 0.1 + bar * static_cast<double>(j);
      out += "<rect x=\"" + px(bx) + "\" y=\"" + px(std::min(top, zero)) + "\" width=\"" +
             px(bar * 0.92) + "\" height=\"" + px(std::fabs(zero - top)) + "\" fill=\"" +
             color_of(s.color, j) + "\"><title>" +
             escape_html(s.label + " " + c.categories[i] + ": " + format_sig(v, 3)) +
             "</title></rect>\n";
      if (bar >= 22) {
        out += text(bx + bar * 0.46, std::min(top, zero) - 3, format_sig(v, 2), "middle",
                    " font-size=\"10\"");
      }
    }
  }
  draw_references(out, f, c.references, y);
  if (!any) draw_no_data(out, f);
  std::vector<std::string> labels;
  std::vector<std::string> colors;
  for (std::size_t j = 0; j < c.series.size(); ++j) {
    labels.push_back(c.series[j].label);
    colors.push_back(color_of(c.series[j].color, j));
  }
  draw_legend(out, f, labels, colors, true);
  out += "</svg>\n";
  return out;
}

std::string svg_small_multiples(const std::string& title, std::vector<LineChart> panels,
                                int columns) {
  columns = std::max(columns, 1);
  double x_hi = 0;
  double y_hi = 0;
  double panel_w = 200;
  double panel_h = 150;
  for (const LineChart& p : panels) {
    const Extent e = extent_of(p);
    x_hi = std::max(x_hi, e.x_hi);
    y_hi = std::max(y_hi, e.y_hi);
    panel_w = std::max(panel_w, static_cast<double>(p.width));
    panel_h = std::max(panel_h, static_cast<double>(p.height));
  }
  const std::size_t cols = std::min<std::size_t>(static_cast<std::size_t>(columns),
                                                 std::max<std::size_t>(panels.size(), 1));
  const std::size_t rows = (std::max<std::size_t>(panels.size(), 1) + cols - 1) / cols;
  constexpr double title_h = 30;
  const double width = panel_w * static_cast<double>(cols);
  const double height = title_h + panel_h * static_cast<double>(rows);
  std::string out = open_svg(width, height, title);
  out += "<rect width=\"" + px(width) + "\" height=\"" + px(height) + "\" fill=\"#fff\"/>\n";
  out += text(width / 2, 20, title, "middle", " font-weight=\"bold\" font-size=\"15\"");
  if (panels.empty()) {
    LineChart none;
    none.width = static_cast<int>(panel_w);
    none.height = static_cast<int>(panel_h);
    none.legend = false;
    panels.push_back(none);
  }
  for (std::size_t i = 0; i < panels.size(); ++i) {
    LineChart& p = panels[i];
    p.x_max = p.x_max.value_or(x_hi);
    p.y_max = p.y_max.value_or(y_hi);
    p.width = static_cast<int>(panel_w);
    p.height = static_cast<int>(panel_h);
    out += "<g transform=\"translate(" + px(panel_w * static_cast<double>(i % cols)) + "," +
           px(title_h + panel_h * static_cast<double>(i / cols)) + ")\">\n";
    draw_line_chart(out, p);
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace coqueue::loadtest
