#include "worker/builtin/builtin.hpp"

namespace coqueue::worker::builtin {
namespace {

awaitable<boost::json::value> run_echo(JobContext& ctx) {
  co_return ctx.payload();
}

}  // namespace

JobType echo_type() {
  return {.name = "echo", .run = run_echo, .check_payload = {}, .summary = "result is the payload"};
}

}  // namespace coqueue::worker::builtin
