#pragma once
// What the human reports (Markdown and HTML) say, as plain text and tables of plain text, so the
// two show the same numbers and differ only in markup.

#include <string>
#include <vector>

#include "loadtest/report_model.hpp"

namespace coqueue::loadtest {

struct TableRow {
  std::vector<std::string> cells;
  bool alert = false;  // a goal missed, a model error, a step with errors: worth a second look
};

struct TextTable {
  std::vector<std::string> header;
  std::vector<TableRow> rows;
};

// The roles seen in the steps: server, worker, redis, loadgen first, then any other, by name.
std::vector<std::string> report_roles(const Report& report);

// "K=50 W=2", with the mode when it is not a closed loop and a mark on validation re-runs.
std::string step_label(const StepResult& step);

std::string machine_summary(const Machine& machine);
std::string plan_summary(const Plan& plan);

TextTable recommendations_table(const Report& report);
TextTable validation_table(const Report& report);
TextTable steps_table(const Report& report);
TextTable costs_table(const CostModel& costs);
TextTable extrapolation_table(const Report& report);

// One sentence per validation whose measurement the capacity model missed.
std::vector<std::string> model_error_warnings(const Report& report);

// "K=50 W=2: http_503 12, timeout 3" for each step that had errors.
std::vector<std::string> step_error_lines(const Report& report);

}  // namespace coqueue::loadtest
