#pragma once
// The --redis option of every executable that talks to Redis, read from COQUEUE_REDIS_URL too;
// and, for servers and workers, --redis-password-file: the password kept in a file (readable by
// the service's user only) rather than in the URL, where the environment or `ps` could show it.

#include <optional>
#include <string>
#include <variant>

#include "core/redis/config.hpp"
#include "core/support/command_line.hpp"

namespace coqueue::redis {

void declare_url_option(CommandLine& cli, std::string help);
// The connection settings, or a message naming the problem ("--redis: ...").
std::variant<Config, std::string> read_url_option(const CommandLine& cli);

void declare_password_file_option(CommandLine& cli);
// Reads the file's first line into `config.password`, when the option is given; a message
// naming the problem when the file cannot be read, is empty, or the URL has a password too.
std::optional<std::string> read_password_file_option(const CommandLine& cli, Config& config);

}  // namespace coqueue::redis
