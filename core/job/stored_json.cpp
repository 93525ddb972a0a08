#include "core/job/stored_json.hpp"

#include <boost/json/parse.hpp>

namespace coqueue {

boost::json::value parse_stored_json(std::string_view text, boost::system::error_code& ec) {
  boost::json::parse_options options;
  options.max_depth = stored_json_max_depth;
  return boost::json::parse(text, ec, {}, options);
}

}  // namespace coqueue
