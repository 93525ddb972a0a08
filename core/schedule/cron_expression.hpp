#pragma once
// Cron expressions, with 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds
// first), evaluated in UTC. Each field takes `*`, `?` (as `*`), a value, a range `a-b`, a step
// `*/n`, `a-b/n` or `a/n`, and comma-separated lists of those; months and weekdays also by
// their English three-letter names; weekday 0 and 7 are both Sunday. As in Vixie cron, when
// both day fields are restricted a day matches if either does. Also @yearly (@annually),
// @monthly, @weekly, @daily (@midnight) and @hourly. Pure: no I/O.

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/support/time.hpp"

namespace coqueue {

class CronExpression {
 public:
  // The expression, or an error message naming the field and the problem.
  static std::variant<CronExpression, std::string> parse(std::string_view text);

  // The first matching second strictly after `after`; nothing when none comes within 10 years
  // (such as the 30th of February).
  std::optional<SystemTime> next_after(SystemTime after) const;

  bool has_seconds() const { return has_seconds_; }

 private:
  std::bitset<60> seconds_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1-31
  std::bitset<13> months_;         // 1-12
  std::bitset<7> days_of_week_;    // 0 (Sunday) - 6
  bool day_of_month_restricted_ = false;
  bool day_of_week_restricted_ = false;
  bool has_seconds_ = false;
};

}  // namespace coqueue
