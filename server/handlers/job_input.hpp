#pragma once
// What POST /jobs and POST /jobs/batch share: reading a JSON body, turning one job of it into a
// JobSpec the registry knows, and saying why the broker refused a job.

#include <optional>
#include <string>
#include <variant>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/queue/broker.hpp"
#include "server/handlers/handlers.hpp"

namespace coqueue::server::handlers {

// The body as JSON, or the error response (415 not JSON, 400 malformed).
std::variant<boost::json::value, Response> read_json_body(const Context& ctx,
                                                          const Request& request);

struct Refusal {
  unsigned status;
  std::string code;
  std::string message;
};

// One job of a request: a well-formed spec whose payload its type accepts when this server has
// the type's handler, or why not. Whether the type is known at all is check_type_known's part.
// `where` prefixes the message ("jobs[3]: ") when the request holds many.
std::variant<JobSpec, Refusal> read_job(const Context& ctx, const boost::json::value& job,
                                        std::string_view where = {});

// 422 unknown_job_type unless the type has a handler here, is listed, or is advertised.
awaitable<std::optional<Refusal>> check_type_known(Context ctx, std::string type,
                                                   std::string where = {});

// Why the broker did not take a job (idempotency conflict, queue full, backend trouble).
Refusal enqueue_refusal(const std::error_code& error, const std::string& queue);

Response refusal_response(const Refusal& refusal);

// {"id", "status", "status_url", "created"} of a job taken (new or an idempotent repeat).
boost::json::object accepted_job(const EnqueueResult& result);

}  // namespace coqueue::server::handlers
