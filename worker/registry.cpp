#include "worker/registry.hpp"

#include <stdexcept>

#include "core/job/job_spec.hpp"

namespace coqueue::worker {

void Registry::add(JobType type) {
  if (!is_valid_type_name(type.name, JobSpecLimits{}.max_type_length)) {
    throw std::invalid_argument("invalid job type name '" + type.name + "'");
  }
  if (!type.run) throw std::invalid_argument("job type '" + type.name + "' has no handler");
  const std::string name = type.name;
  if (!types_.emplace(name, std::move(type)).second) {
    throw std::invalid_argument("job type '" + name + "' is registered twice");
  }
}

const JobType* Registry::find(std::string_view name) const {
  const auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  out.reserve(types_.size());
  for (const auto& [name, type] : types_) out.push_back(name);
  return out;
}

}  // namespace coqueue::worker
