#include "server/advertised_types.hpp"

namespace coqueue::server {
namespace {

constexpr auto remember_for = std::chrono::seconds(10);
constexpr std::size_t remember_at_most = 10'000;  // names come from clients: bounded

}  // namespace

AdvertisedTypes::AdvertisedTypes(Broker& broker, const worker::Registry& registry,
                                 std::set<std::string> listed)
    : broker_(broker), registry_(registry), listed_(std::move(listed)) {}

awaitable<bool> AdvertisedTypes::known(std::string name) {
  if (registry_.find(name) != nullptr || listed_.contains(name)) co_return true;
  const auto now = std::chrono::steady_clock::now();
  if (const auto it = remembered_.find(name); it != remembered_.end()) {
    if (it->second > now) co_return true;
    remembered_.erase(it);
  }
  const bool advertised = co_await broker_.is_type_advertised(name);
  if (advertised && remembered_.size() < remember_at_most) {
    remembered_[name] = now + remember_for;
  }
  co_return advertised;
}

std::string AdvertisedTypes::names() const {
  std::set<std::string> all(listed_);
  for (const std::string& name : registry_.names()) all.insert(name);
  std::string out;
  for (const std::string& name : all) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace coqueue::server
