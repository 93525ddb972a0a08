#include "server/access_policy.hpp"

#include <fstream>
#include <sstream>

#include "server/response.hpp"

namespace coqueue::server {
namespace {

constexpr std::size_t min_token_length = 16;
constexpr std::size_t max_token_length = 512;

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+';
}

std::optional<std::string> bad_token(std::string_view token, std::string_view source) {
  if (token.size() < min_token_length || token.size() > max_token_length) {
    return std::string(source) + ": a token must be 16 to 512 characters long";
  }
  for (const char c : token) {
    if (!is_token_char(c)) {
      return std::string(source) + ": a token may hold only A-Za-z0-9 and -._~+";
    }
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Adds the tokens of one file; an error names the file and the problem.
std::optional<std::string> read_token_file(const std::string& path,
                                           std::vector<std::string>& tokens) {
  std::ifstream in(path);
  if (!in) return "cannot read the token file " + path;
  std::string line;
  std::size_t found = 0;
  while (std::getline(in, line)) {
    const std::string_view token = trim(line);
    if (token.empty() || token.front() == '#') continue;
    if (auto bad = bad_token(token, path)) return bad;
    tokens.emplace_back(token);
    ++found;
  }
  if (found == 0) return "the token file " + path + " holds no token";
  return std::nullopt;
}

Response unauthorized(std::string_view message) {
  Response r = error_response(401, "unauthorized", message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"coqueue\"");
  return r;
}

}  // namespace

Access required_access(RouteId route, bool public_metrics) {
  switch (route) {
    case RouteId::healthz:
    case RouteId::readyz:
    case RouteId::openapi:
    case RouteId::dashboard:
    case RouteId::dashboard_asset: return Access::open;
    case RouteId::metrics: return public_metrics ? Access::open : Access::client;
    case RouteId::retry_job:
    case RouteId::requeue_dead:
    case RouteId::purge_dead:
    case RouteId::pause_queue:
    case RouteId::resume_queue:
    case RouteId::put_schedule:
    case RouteId::delete_schedule:
    case RouteId::pause_schedule:
    case RouteId::resume_schedule: return Access::admin;
    case RouteId::list_schedules:
    case RouteId::get_schedule:
    case RouteId::submit_job:
    case RouteId::submit_batch:
    case RouteId::list_jobs:
    case RouteId::get_job:
    case RouteId::cancel_job:
    case RouteId::list_queues:
    case RouteId::list_dead:
    case RouteId::list_workers:
    case RouteId::websocket: return Access::client;
  }
  return Access::admin;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Every byte of the longer is looked at whatever the contents, so the time tells at most the
  // length, never how much of a guess was right.
  const std::size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {  // the scheme is case-insensitive
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) {
      return std::nullopt;
    }
  }
  return trim(authorization.substr(scheme.size()));
}

namespace {

// The first subprotocol of the comma-separated list that `pick` accepts.
template <class Pick>
std::optional<std::string_view> find_subprotocol(std::string_view offered, Pick pick) {
  while (!offered.empty()) {
    const std::size_t comma = std::min(offered.find(','), offered.size());
    const std::string_view protocol = trim(offered.substr(0, comma));
    if (pick(protocol)) return protocol;
    offered.remove_prefix(std::min(comma + 1, offered.size()));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> subprotocol_token(std::string_view offered) {
  constexpr std::string_view prefix = "bearer.";
  const auto found =
      find_subprotocol(offered, [&](std::string_view p) { return p.starts_with(prefix); });
  if (!found) return std::nullopt;
  return found->substr(prefix.size());
}

bool offers_subprotocol(std::string_view offered, std::string_view protocol) {
  return find_subprotocol(offered, [&](std::string_view p) { return p == protocol; }).has_value();
}

std::optional<Access> AccessPolicy::grant_of(std::string_view token) const {
  // Every token is compared, so the time does not tell which kind matched.
  bool admin = false;
  bool client = false;
  for (const std::string& t : settings_.admin_tokens) admin |= constant_time_equal(token, t);
  for (const std::string& t : settings_.client_tokens) client |= constant_time_equal(token, t);
  if (admin) return Access::admin;
  if (client) return Access::client;
  return std::nullopt;
}

std::optional<Response> AccessPolicy::check_token(Access needed,
                                                  std::optional<std::string_view> token) const {
  if (needed == Access::open || !enabled()) return std::nullopt;
  if (!token) return unauthorized("this route needs an Authorization: Bearer <token> header");
  const std::optional<Access> grant = grant_of(*token);
  if (!grant) return unauthorized("the token is not valid");
  if (needed == Access::admin && *grant != Access::admin) {
    return error_response(403, "forbidden", "this route needs an admin token");
  }
  return std::nullopt;
}

std::optional<Response> AccessPolicy::check(RouteId route, std::string_view authorization) const {
  return check_token(required_access(route, settings_.public_metrics), bearer_token(authorization));
}

std::optional<Response> AccessPolicy::check_websocket(std::string_view authorization,
                                                      std::string_view offered_protocols) const {
  std::optional<std::string_view> token = bearer_token(authorization);
  if (!token) token = subprotocol_token(offered_protocols);
  return check_token(Access::client, token);
}

void declare_access_options(CommandLine& cli) {
  cli.add("token-file", "",
          "file of client tokens (one per line) that may submit, read and cancel; the token "
          "may also come in COQUEUE_TOKEN. None: no token needed");
  cli.add("admin-token-file", "",
          "file of admin tokens, which may also pause and resume queues, retry, requeue and "
          "purge dead letters, and change schedules; also COQUEUE_ADMIN_TOKEN");
  cli.add_switch("public-metrics", "serve GET /metrics without a token even when tokens are set");
}

std::variant<AccessSettings, std::string> read_access_settings(const CommandLine& cli,
                                                               const CommandLine::EnvLookup& env) {
  AccessSettings s;
  s.public_metrics = cli.get("public-metrics") == "true";
  const auto from_env = [&](const char* name,
                            std::vector<std::string>& tokens) -> std::optional<std::string> {
    const std::optional<std::string> value = env(name);
    if (!value || value->empty()) return std::nullopt;
    const std::string_view token = trim(*value);
    if (auto bad = bad_token(token, name)) return bad;
    tokens.emplace_back(token);
    return std::nullopt;
  };
  if (auto bad = from_env("COQUEUE_TOKEN", s.client_tokens)) return *bad;
  if (auto bad = from_env("COQUEUE_ADMIN_TOKEN", s.admin_tokens)) return *bad;
  if (const std::string& path = cli.get("token-file"); !path.empty()) {
    if (auto bad = read_token_file(path, s.client_tokens)) return *bad;
  }
  if (const std::string& path = cli.get("admin-token-file"); !path.empty()) {
    if (auto bad = read_token_file(path, s.admin_tokens)) return *bad;
  }
  return s;
}

}  // namespace coqueue::server
