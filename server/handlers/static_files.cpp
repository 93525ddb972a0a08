// GET /, GET /assets/<name>, GET /openapi.json: files built into the binary.

#include "server/handlers/handlers.hpp"
#include "server/response.hpp"
#include "server/static_assets.hpp"

namespace coqueue::server::handlers {

Response static_file(std::string_view name) {
  const std::optional<StaticAsset> asset = find_static_asset(name);
  if (!asset) return error_response(404, "not_found", "no such file");
  Response r;
  r.body = asset->body;
  r.content_type = asset->content_type;
  // Served from the binary: a new version comes with a restart, so clients check each time
  // (a few KiB) rather than keep a stale page.
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (name == "index.html") {
    // The page runs only its own script and talks only to this server.
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  return r;
}

}  // namespace coqueue::server::handlers
