#pragma once
// The logging options every long-running executable takes: --log-format and --log-level.

#include "core/support/command_line.hpp"
#include "core/support/log.hpp"
#include "core/support/option_reader.hpp"

namespace coqueue {

void declare_log_options(CommandLine& cli);
// Fills the level and format of `settings`; a bad value is recorded in `reader`.
void read_log_options(OptionReader& reader, const CommandLine& cli, log::Settings& settings);

}  // namespace coqueue
