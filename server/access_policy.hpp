#pragma once
// Who may use which route: optional bearer tokens. With none configured every route is open.
// With any, each route needs `Authorization: Bearer <token>`, but for the health checks and the
// dashboard's static files (which hold no data: the data they show comes through the routes
// that do need a token). A client token may submit, read and cancel; the admin routes (pause,
// resume, retry and requeue dead letters, purge) need an admin token, which may do anything.
// Pure: no I/O, no Beast.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/support/command_line.hpp"
#include "server/http_message.hpp"
#include "server/router.hpp"

namespace coqueue::server {

enum class Access { open, client, admin };

struct AccessSettings {
  std::vector<std::string> client_tokens;
  std::vector<std::string> admin_tokens;
  bool public_metrics = false;  // GET /metrics without a token, for scrapers that cannot send one

  bool enabled() const { return !client_tokens.empty() || !admin_tokens.empty(); }
};

Access required_access(RouteId route, bool public_metrics);

class AccessPolicy {
 public:
  explicit AccessPolicy(AccessSettings settings) : settings_(std::move(settings)) {}

  bool enabled() const { return settings_.enabled(); }
  // Nothing when the request may go on; else the answer: 401 unauthorized (no token, or not a
  // valid one) or 403 forbidden (a client token on an admin route).
  std::optional<Response> check(RouteId route, std::string_view authorization) const;
  // The same for a WebSocket upgrade, whose token may also come as the subprotocol
  // `bearer.<token>` (browsers cannot set headers on a WebSocket).
  std::optional<Response> check_websocket(std::string_view authorization,
                                          std::string_view offered_protocols) const;

 private:
  std::optional<Access> grant_of(std::string_view token) const;
  std::optional<Response> check_token(Access needed, std::optional<std::string_view> token) const;

  AccessSettings settings_;
};

// The token in `Authorization: Bearer <token>`, if the header has that form.
std::optional<std::string_view> bearer_token(std::string_view authorization);
// The token offered as a `bearer.<token>` WebSocket subprotocol, if any.
std::optional<std::string_view> subprotocol_token(std::string_view offered_protocols);
// Whether Sec-WebSocket-Protocol lists exactly this subprotocol.
bool offers_subprotocol(std::string_view offered_protocols, std::string_view protocol);
// Equal strings, in a time that does not depend on where they first differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// Reads the tokens: COQUEUE_TOKEN and COQUEUE_ADMIN_TOKEN from the environment, and the files of
// --token-file and --admin-token-file (one token per line; blank lines and # comments skipped),
// never from a flag's value, which `ps` would show. Tokens are 16 to 512 characters of
// A-Za-z0-9 and -._~+ (a WebSocket subprotocol can carry them). An error names the problem.
void declare_access_options(CommandLine& cli);
std::variant<AccessSettings, std::string> read_access_settings(const CommandLine& cli,
                                                               const CommandLine::EnvLookup& env);

}  // namespace coqueue::server
