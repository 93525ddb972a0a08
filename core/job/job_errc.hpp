#pragma once
// Why a submitted job was refused, before any backend sees it.

#include <string_view>
#include <system_error>

namespace coqueue {

enum class job_errc {
  not_an_object = 1,  // the body is JSON but not an object
  missing_field,      // a required field is absent
  wrong_type,         // a field has the wrong JSON type
  invalid_value,      // right type, value out of range or badly formed
  invalid_queue,      // queue name outside 1-64 of A-Za-z0-9_.-
  unknown_field,      // a field coqueue does not know (likely a typo)
  unknown_type,       // no handler is registered for the job type
  invalid_payload,    // the handler of the type refused the payload
};

const std::error_category& job_category();
std::error_code make_error_code(job_errc e);

// Stable snake_case name of the error, as the API writes it in `error.code`.
std::string_view code_name(job_errc e);

}  // namespace coqueue

template <>
struct std::is_error_code_enum<coqueue::job_errc> : std::true_type {};
