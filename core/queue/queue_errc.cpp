#include "core/queue/queue_errc.hpp"

#include <string>

namespace coqueue {
namespace {

class QueueCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "coqueue.queue"; }
  std::string message(int ev) const override {
    return std::string(code_name(static_cast<queue_errc>(ev)));
  }
};

}  // namespace

const std::error_category& queue_category() {
  static const QueueCategory category;
  return category;
}

std::error_code make_error_code(queue_errc e) {
  return {static_cast<int>(e), queue_category()};
}

std::string_view code_name(queue_errc e) {
  switch (e) {
    case queue_errc::job_not_found: return "job_not_found";
    case queue_errc::job_finished: return "job_finished";
    case queue_errc::idempotency_conflict: return "idempotency_conflict";
    case queue_errc::queue_full: return "queue_full";
    case queue_errc::closed: return "shutting_down";
  }
  return "queue_error";
}

}  // namespace coqueue
