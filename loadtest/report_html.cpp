#include "loadtest/report_html.hpp"

#include <algorithm>
#include <cctype>

#include "loadtest/report_charts.hpp"
#include "loadtest/report_content.hpp"
#include "loadtest/report_format.hpp"
#include "loadtest/svg_chart.hpp"

namespace coqueue::loadtest {
namespace {

constexpr const char* style = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 1240px; margin: 24px auto; padding: 0 16px; line-height: 1.45; }
h1 { margin-bottom: 4px; }
h2 { margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; margin-top: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dt { font-weight: 600; }
dd { margin: 0; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
.table { overflow-x: auto; }
th, td { border: 1px solid #ddd; padding: 4px 8px; }
td { white-space: nowrap; }
td.text { white-space: normal; min-width: 16em; }
th { background: #f4f4f4; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.alert td { background: #fdecea; }
.warning { background: #fdecea; border-left: 4px solid #c0392b; padding: 8px 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px;
          margin-bottom: 16px; }
figure { margin: 0; }
figcaption { color: #555; font-size: 13px; margin-top: 4px; }
svg.chart { max-width: 100%; height: auto; border: 1px solid #eee; }
)";

// Numbers read best aligned on the right.
bool numeric(const std::string& cell) {
  std::size_t i = cell.empty() || cell[0] != '-' ? 0 : 1;
  return i < cell.size() && std::isdigit(static_cast<unsigned char>(cell[i]));
}

// Numbers align right; sentences (advice, descriptions) may wrap, the rest stays on one line.
std::string cell_tag(const std::string& cell) {
  if (numeric(cell)) return "<td class=\"num\">";
  if (std::count(cell.begin(), cell.end(), ' ') >= 4) return "<td class=\"text\">";
  return "<td>";
}

void append_table(std::string& out, const TextTable& table) {
  out += "<div class=\"table\"><table>\n<thead><tr>";
  for (const std::string& h : table.header) out += "<th>" + escape_html(h) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const TableRow& row : table.rows) {
    out += row.alert ? "<tr class=\"alert\">" : "<tr>";
    for (const std::string& c : row.cells) {
      out += cell_tag(c) + escape_html(c) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table></div>\n";
}

void append_list(std::string& out, const std::vector<std::string>& items) {
  out += "<ul>\n";
  for (const std::string& item : items) out += "<li>" + escape_html(item) + "</li>\n";
  out += "</ul>\n";
}

void append_figure(std::string& out, const std::string& svg, const std::string& caption) {
  out += "<figure>\n" + svg + "<figcaption>" + escape_html(caption) + "</figcaption>\n</figure>\n";
}

std::string cpu_caption(const Report& report) {
  std::vector<std::string> steps;
  for (const StepResult* s : heaviest_steps(report)) {
    steps.push_back("W=" + std::to_string(s->workers) + " at K=" + std::to_string(s->clients));
  }
  std::string caption =
      "The busiest single process of each role, in % of one core, in the step with the most "
      "clients run with each worker count";
  if (!steps.empty()) caption += " (" + join(steps, ", ") + ")";
  caption += ". The dashed line is the per-process CPU ceiling.";
  return caption;
}

void append_charts(std::string& out, const Report& report) {
  out += "<h2>Charts</h2>\n<div class=\"charts\">\n";
  append_figure(out, svg_line_chart(throughput_chart(report)),
                "Completed jobs per second against closed-loop clients (K), one line per worker "
                "count (W). Validation re-runs are left out.");
  append_figure(out, svg_line_chart(p99_chart(report)),
                "p99 latency from submit to result against clients, one line per worker count. "
                "The dashed line is the p99 goal.");
  append_figure(out, svg_bar_chart(cpu_chart(report)), cpu_caption(report));
  out += "</div>\n";
  append_figure(out, svg_small_multiples("Queue depth", queue_depth_panels(report), 4),
                "Pending jobs over each step's measuring window, all panels on the same scales. "
                "A line that keeps rising means the workers fall behind the clients.");
}

}  // namespace

std::string report_html(const Report& report) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>coqueue capacity report " +
      escape_html(report.started_at) + "</title>\n<style>" + style + "</style>\n</head>\n<body>\n";
  out += "<h1>coqueue capacity report</h1>\n<p class=\"meta\">Started " +
         escape_html(report.started_at) + ", took " +
         escape_html(format_sig(report.total_seconds)) + " s</p>\n";
  out += "<dl>\n<dt>Machine</dt><dd>" + escape_html(machine_summary(report.machine)) +
         "</dd>\n<dt>Plan</dt><dd>" + escape_html(plan_summary(report.plan)) + "</dd>\n</dl>\n";

  out += "<h2>Recommendations</h2>\n";
  if (report.recommendations.empty()) {
    out += "<p>No recommendation: no step finished.</p>\n";
  } else {
    append_table(out, recommendations_table(report));
  }

  out += "<h2>Validation</h2>\n";
  const TextTable validation = validation_table(report);
  if (validation.rows.empty()) {
    out += "<p>No recommendation was re-run to check the capacity model.</p>\n";
  } else {
    append_table(out, validation);
    for (const std::string& warning : model_error_warnings(report)) {
      out += "<p class=\"warning\">" + escape_html(warning) + "</p>\n";
    }
  }

  append_charts(out, report);

  out += "<h2>Steps</h2>\n";
  if (report.steps.empty()) {
    out += "<p>No step finished.</p>\n";
  } else {
    out +=
        "<p>Latency in milliseconds from submit to result; CPU in % of one core summed over "
        "the processes of a role; RSS is the peak resident memory, summed over the role.</p>\n";
    append_table(out, steps_table(report));
    const std::vector<std::string> errors = step_error_lines(report);
    if (!errors.empty()) {
      out += "<p>Errors by kind:</p>\n";
      append_list(out, errors);
    }
  }

  out += "<h2>Costs per job</h2>\n";
  append_table(out, costs_table(report.costs));

  out += "<h2>Extrapolation</h2>\n";
  if (report.extrapolations.empty()) {
    out += "<p>No extrapolation.</p>\n";
  } else {
    append_table(out, extrapolation_table(report));
  }
  if (!report.assumptions.empty()) {
    out += "<p>Assumptions:</p>\n";
    append_list(out, report.assumptions);
  }

  if (!report.notes.empty()) {
    out += "<h2>Notes</h2>\n";
    append_list(out, report.notes);
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace coqueue::loadtest
