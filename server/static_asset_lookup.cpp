#include "server/static_assets.hpp"

namespace coqueue::server {

std::optional<StaticAsset> find_static_asset(std::string_view name) {
  for (const StaticAsset& asset : static_assets()) {
    if (asset.name == name) return asset;
  }
  return std::nullopt;
}

}  // namespace coqueue::server
