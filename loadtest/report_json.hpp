#pragma once
// report.json: every field of the Report under its own name, plus per step the CPU and memory of
// each process role as objects (role -> value), which is what a script comparing runs reads.

#include <string>

#include <boost/json/value.hpp>

#include "loadtest/report_model.hpp"

namespace coqueue::loadtest {

// Counts and sizes are JSON integers; measurements are rounded to a few decimals, and a
// measurement that is not finite is null.
boost::json::value report_to_json(const Report& report);

// Indented so that a person can read it: short objects and arrays stay on one line.
std::string report_json_text(const Report& report);

}  // namespace coqueue::loadtest
