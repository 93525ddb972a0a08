#include "core/support/log_options.hpp"

namespace coqueue {

void declare_log_options(CommandLine& cli) {
  cli.add("log-format", "text", "text or json");
  cli.add("log-level", "info", "error, warn, info or debug (debug logs every job run)");
}

void read_log_options(OptionReader& reader, const CommandLine& cli, log::Settings& settings) {
  if (!log::parse_level(cli.get("log-level"), settings.level)) {
    reader.fail("log-level", "error, warn, info or debug");
  }
  if (!log::parse_format(cli.get("log-format"), settings.format)) {
    reader.fail("log-format", "text or json");
  }
}

}  // namespace coqueue
