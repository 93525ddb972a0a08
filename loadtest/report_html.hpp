#pragma once
// report.html: one file that opens anywhere, offline, with no scripts: the charts of the run as
// inline SVG, then the same tables as report.md.

#include <string>

#include "loadtest/report_model.hpp"

namespace coqueue::loadtest {

std::string report_html(const Report& report);

}  // namespace coqueue::loadtest
