#include "core/job/job_errc.hpp"

#include <string>

namespace coqueue {
namespace {

class JobCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "coqueue.job"; }
  std::string message(int ev) const override {
    return std::string(code_name(static_cast<job_errc>(ev)));
  }
};

}  // namespace

const std::error_category& job_category() {
  static const JobCategory category;
  return category;
}

std::error_code make_error_code(job_errc e) {
  return {static_cast<int>(e), job_category()};
}

std::string_view code_name(job_errc e) {
  switch (e) {
    case job_errc::not_an_object: return "not_an_object";
    case job_errc::missing_field: return "missing_field";
    case job_errc::wrong_type: return "wrong_type";
    case job_errc::invalid_value: return "invalid_value";
    case job_errc::invalid_queue: return "invalid_queue";
    case job_errc::unknown_field: return "unknown_field";
    case job_errc::unknown_type: return "unknown_job_type";
    case job_errc::invalid_payload: return "invalid_payload";
  }
  return "invalid";
}

}  // namespace coqueue
