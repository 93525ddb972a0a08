#pragma once
// The files the server serves as they are: the dashboard's page, script and style, and the
// OpenAPI document. Built into the binary (cmake/embed_assets.py), so nothing is read from disk
// or fetched from the network at view time.

#include <optional>
#include <string_view>
#include <vector>

namespace coqueue::server {

struct StaticAsset {
  std::string_view name;  // "index.html", "app.js", "openapi.json", ...
  std::string_view content_type;
  std::string_view body;
};

const std::vector<StaticAsset>& static_assets();
std::optional<StaticAsset> find_static_asset(std::string_view name);

}  // namespace coqueue::server
