#include "loadtest/report_markdown.hpp"

#include "loadtest/report_content.hpp"
#include "loadtest/report_format.hpp"

namespace coqueue::loadtest {
namespace {

// A cell must stay on its row and inside its column.
std::string cell_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void append_row(std::string& out, const std::vector<std::string>& cells) {
  out += '|';
  for (const std::string& c : cells) out += ' ' + cell_text(c) + " |";
  out += '\n';
}

void append_table(std::string& out, const TextTable& table) {
  append_row(out, table.header);
  out += '|';
  for (std::size_t i = 0; i < table.header.size(); ++i) out += " --- |";
  out += '\n';
  for (const TableRow& row : table.rows) append_row(out, row.cells);
  out += '\n';
}

void append_list(std::string& out, const std::vector<std::string>& items) {
  for (const std::string& item : items) out += "- " + item + '\n';
  out += '\n';
}

}  // namespace

std::string report_markdown(const Report& report) {
  std::string out = "# coqueue capacity report\n\n";
  out += "Started " + report.started_at + ", took " + format_sig(report.total_seconds) + " s.\n\n";
  out += "- Machine: " + machine_summary(report.machine) + "\n";
  out += "- Plan: " + plan_summary(report.plan) + "\n\n";

  out += "## Recommendations\n\n";
  if (report.recommendations.empty()) {
    out += "No recommendation: no step finished.\n\n";
  } else {
    append_table(out, recommendations_table(report));
  }

  out += "## Validation\n\n";
  const TextTable validation = validation_table(report);
  if (validation.rows.empty()) {
    out += "No recommendation was re-run to check the capacity model.\n\n";
  } else {
    append_table(out, validation);
    for (const std::string& warning : model_error_warnings(report)) {
      out += "**" + warning + "**\n\n";
    }
  }

  out += "## Steps\n\n";
  if (report.steps.empty()) {
    out += "No step finished.\n\n";
  } else {
    out +=
        "Latency in milliseconds from submit to result; CPU in % of one core summed over the "
        "processes of a role; RSS is the peak resident memory, summed over the role.\n\n";
    append_table(out, steps_table(report));
    const std::vector<std::string> errors = step_error_lines(report);
    if (!errors.empty()) {
      out += "Errors by kind:\n\n";
      append_list(out, errors);
    }
  }

  out += "## Costs per job\n\n";
  append_table(out, costs_table(report.costs));

  out += "## Extrapolation\n\n";
  if (report.extrapolations.empty()) {
    out += "No extrapolation.\n\n";
  } else {
    append_table(out, extrapolation_table(report));
  }
  if (!report.assumptions.empty()) {
    out += "Assumptions:\n\n";
    append_list(out, report.assumptions);
  }

  if (!report.notes.empty()) {
    out += "## Notes\n\n";
    append_list(out, report.notes);
  }
  return out;
}

}  // namespace coqueue::loadtest
