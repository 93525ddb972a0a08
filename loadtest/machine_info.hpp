#pragma once
// What the report says about the machine it ran on, read from /proc and uname.

#include "loadtest/report_model.hpp"

namespace coqueue::loadtest {

Machine read_machine();

}  // namespace coqueue::loadtest
