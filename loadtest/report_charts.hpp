#pragma once
// The charts of report.html, as chart descriptions built from a Report: which steps each one
// shows and how its series are split. Drawing is svg_chart's.

#include <string>
#include <vector>

#include "loadtest/report_model.hpp"
#include "loadtest/svg_chart.hpp"

namespace coqueue::loadtest {

// Jobs/s against clients, one line per worker count, closed-loop sweep steps only.
LineChart throughput_chart(const Report& report);

// p99 latency against clients, one line per worker count, with the p99 goal dashed.
LineChart p99_chart(const Report& report);

// The step with the most clients run with each worker count (closed-loop sweep steps), the
// load under which each worker count is compared.
std::vector<const StepResult*> heaviest_steps(const Report& report);

// The busiest process of each role in the heaviest steps, by worker count, with the per-process
// CPU ceiling dashed.
BarChart cpu_chart(const Report& report);

// Pending jobs over each step's measuring window, one panel per step, titled "K=.. W=..".
std::vector<LineChart> queue_depth_panels(const Report& report);

}  // namespace coqueue::loadtest
