#pragma once
// JSON text with object keys sorted at every level, so two equal values give the same text
// (boost::json::serialize keeps insertion order). Used to compare submissions for idempotency
// where only text can be compared, as inside Redis.

#include <string>

#include <boost/json/value.hpp>

namespace coqueue {

std::string canonical_json(const boost::json::value& value);

}  // namespace coqueue
