#include "core/redis/url_option.hpp"

#include <fstream>

namespace coqueue::redis {

void declare_url_option(CommandLine& cli, std::string help) {
  cli.add("redis", "redis://127.0.0.1:6379/0", std::move(help));
  cli.set_env("redis", "COQUEUE_REDIS_URL");
}

std::variant<Config, std::string> read_url_option(const CommandLine& cli) {
  auto parsed = parse_url(cli.get("redis"));
  if (auto* problem = std::get_if<std::string>(&parsed)) return "--redis: " + *problem;
  return std::get<Config>(parsed);
}

void declare_password_file_option(CommandLine& cli) {
  cli.add("redis-password-file", "",
          "a file whose first line is the Redis password (with the user, if any, in the URL), "
          "instead of a password in the URL");
}

std::optional<std::string> read_password_file_option(const CommandLine& cli, Config& config) {
  const std::string& path = cli.get("redis-password-file");
  if (path.empty()) return std::nullopt;
  if (!config.password.empty()) {
    return "--redis-password-file: the URL has a password already; give it in one place";
  }
  std::ifstream file(path);
  std::string line;
  if (!file || !std::getline(file, line)) {
    return "--redis-password-file: cannot read a line from '" + path + "'";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return "--redis-password-file: the first line of '" + path + "' is empty";
  config.password = std::move(line);
  return std::nullopt;
}

}  // namespace coqueue::redis
