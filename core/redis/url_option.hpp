#pragma once
// The --redis option of every executable that talks to Redis, read from COQUEUE_REDIS_URL too.

#include <string>
#include <variant>

#include "core/redis/config.hpp"
#include "core/support/command_line.hpp"

namespace coqueue::redis {

void declare_url_option(CommandLine& cli, std::string help);
// The connection settings, or a message naming the problem ("--redis: ...").
std::variant<Config, std::string> read_url_option(const CommandLine& cli);

}  // namespace coqueue::redis
