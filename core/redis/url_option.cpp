#include "core/redis/url_option.hpp"

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

}  // namespace coqueue::redis
