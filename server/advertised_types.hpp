#pragma once
// Which job types a server accepts: the ones it has handlers for (its registry), the ones
// `--types` names, and the ones workers advertise in the backend. Advertised types are looked
// up when a job names a type the server does not know, and remembered for a while, so the
// common case costs no round trip.

#include <chrono>
#include <set>
#include <string>
#include <unordered_map>

#include "core/queue/broker.hpp"
#include "worker/registry.hpp"

namespace coqueue::server {

class AdvertisedTypes {
 public:
  AdvertisedTypes(Broker& broker, const worker::Registry& registry, std::set<std::string> listed);

  // A type with a handler here: its payload can be checked at once.
  const worker::JobType* handler(std::string_view name) const { return registry_.find(name); }
  // Known by any of the three ways.
  awaitable<bool> known(std::string name);
  // For error messages: the handlers' types and the listed ones.
  std::string names() const;

 private:
  Broker& broker_;
  const worker::Registry& registry_;
  std::set<std::string> listed_;
  std::unordered_map<std::string, SteadyTime> remembered_;  // advertised, until
};

}  // namespace coqueue::server
