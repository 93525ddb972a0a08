#include "core/job/canonical_json.hpp"

#include <algorithm>
#include <vector>

#include <boost/json/serialize.hpp>

namespace coqueue {
namespace {

void append(std::string& out, const boost::json::value& v) {
  if (const auto* o = v.if_object()) {
    std::vector<const boost::json::key_value_pair*> members;
    members.reserve(o->size());
    for (const auto& kv : *o) members.push_back(&kv);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i > 0) out += ',';
      out += boost::json::serialize(boost::json::value(members[i]->key()));
      out += ':';
      append(out, members[i]->value());
    }
    out += '}';
  } else if (const auto* a = v.if_array()) {
    out += '[';
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i > 0) out += ',';
      append(out, (*a)[i]);
    }
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string canonical_json(const boost::json::value& value) {
  std::string out;
  append(out, value);
  return out;
}

}  // namespace coqueue
