#pragma once
// report.md: the capacity run for a person reading a terminal or a pull request.

#include <string>

#include "loadtest/report_model.hpp"

namespace coqueue::loadtest {

std::string report_markdown(const Report& report);

}  // namespace coqueue::loadtest
