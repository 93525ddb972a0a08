#include "core/redis/reply_builder.hpp"

#include <algorithm>
#include <charconv>

namespace coqueue::redis {
namespace {

std::uint64_t children_of(const RespNode& node) {
  const bool pairs = node.type == RespType::map || node.type == RespType::attribute;
  return is_aggregate(node.type) ? node.size * (pairs ? 2 : 1) : 0;
}

}  // namespace

bool ReplyBuilder::add(const RespNode& node) {
  if (skipping_ > 0) {
    skipping_ = skipping_ - 1 + children_of(node);
    return false;
  }
  if (node.type == RespType::attribute) {
    skipping_ = children_of(node);
    return false;
  }

  RespValue value;
  value.type = node.type;
  if (node.type == RespType::integer) {
    std::string_view digits = node.value;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    std::from_chars(digits.data(), digits.data() + digits.size(), value.integer);
  } else if (node.type == RespType::boolean) {
    value.integer = node.value == "t" ? 1 : 0;
  } else if (!is_aggregate(node.type)) {
    value.text.assign(node.value.data(), node.value.size());
  }
  const std::uint64_t expected = children_of(node);
  // Reserve what the header promises, but not more than a sane amount before it arrives.
  if (expected > 0)
    value.elements.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(expected, 1024)));

  RespValue* placed;
  if (open_.empty()) {
    root_ = std::move(value);
    placed = &root_;
  } else {
    // Pre-order: a parent gets its next child only after the previous child is complete, so
    // the pointers on the stack stay valid.
    open_.back().value->elements.push_back(std::move(value));
    placed = &open_.back().value->elements.back();
  }
  if (expected > 0) {
    open_.push_back({placed, expected});
    return false;
  }
  while (!open_.empty() && open_.back().value->elements.size() == open_.back().expected) {
    open_.pop_back();
  }
  return open_.empty();
}

RespValue ReplyBuilder::take() {
  return std::move(root_);
}

}  // namespace coqueue::redis
