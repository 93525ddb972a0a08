#include "core/schedule/cron_expression.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <vector>

#include "core/support/text_excerpt.hpp"

namespace coqueue {
namespace {

using namespace std::chrono;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const std::array<std::string_view, 13>* names;  // index = value; empty where none
};

constexpr std::array<std::string_view, 13> month_names{
    "", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 13> weekday_names{
    "sun", "mon", "tue", "wed", "thu", "fri", "sat", "", "", "", "", "", ""};

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    const std::size_t at = text.find(sep);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

std::optional<int> value_of(std::string_view text, const FieldSpec& spec) {
  if (spec.names != nullptr && text.size() == 3) {
    for (std::size_t i = 0; i < spec.names->size(); ++i) {
      const std::string_view name = (*spec.names)[i];
      if (name.empty()) continue;
      bool same = true;
      for (std::size_t c = 0; c < 3; ++c) {
        const char lower =
            text[c] >= 'A' && text[c] <= 'Z' ? static_cast<char>(text[c] - 'A' + 'a') : text[c];
        same = same && lower == name[c];
      }
      if (same) return static_cast<int>(i);
    }
  }
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// Sets the bits of one field; an error names the field.
template <std::size_t N>
std::optional<std::string> parse_field(std::string_view text, const FieldSpec& spec,
                                       std::bitset<N>& bits, bool& restricted) {
  const std::string where = std::string("the ") + spec.name + " field '" + text_excerpt(text) + "'";
  if (text.empty()) return where + " is empty";
  // As in Vixie cron, a field that starts with * (even */2) does not count as restricted.
  restricted = !(text.starts_with('*') || text.starts_with('?'));
  for (const std::string_view item : split(text, ',')) {
    const std::vector<std::string_view> parts = split(item, '/');
    if (parts.size() > 2) return where + " has more than one '/'";
    int step = 1;
    if (parts.size() == 2) {
      const auto s = value_of(parts[1], FieldSpec{spec.name, 1, spec.max, nullptr});
      if (!s || *s < 1 || *s > spec.max) {
        return where + " has a step that is not a number from 1 to " + std::to_string(spec.max);
      }
      step = *s;
    }
    int low = spec.min;
    int high = spec.max;
    const std::string_view range = parts[0];
    if (range != "*" && range != "?") {
      const std::vector<std::string_view> ends = split(range, '-');
      if (ends.size() > 2) return where + " has a bad range";
      const auto a = value_of(ends[0], spec);
      const auto b = ends.size() == 2 ? value_of(ends[1], spec) : a;
      if (!a || !b) return where + " holds something that is not a number or a name";
      low = *a;
      high = ends.size() == 2 || parts.size() == 1 ? *b : spec.max;       // "a/n" runs to the end
      const int top = spec.max + (spec.names == &weekday_names ? 1 : 0);  // 7 is Sunday too
      if (low < spec.min || high > top || low > high) {
        return where + " is out of range " + std::to_string(spec.min) + "-" +
               std::to_string(spec.max);
      }
    }
    for (int v = low; v <= high; v += step) {
      bits.set(static_cast<std::size_t>(spec.names == &weekday_names && v == 7 ? 0 : v));
    }
  }
  return std::nullopt;
}

std::string_view macro(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return {};
}

}  // namespace

std::variant<CronExpression, std::string> CronExpression::parse(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.starts_with('@')) {
    const std::string_view expanded = macro(text);
    if (expanded.empty()) return "unknown cron macro '" + text_excerpt(text) + "'";
    text = expanded;
  }
  std::vector<std::string_view> fields;
  for (const std::string_view f : split(text, ' ')) {
    if (!f.empty()) fields.push_back(f);
  }
  if (fields.size() != 5 && fields.size() != 6) {
    return "a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 "
           "(seconds first), not " +
           std::to_string(fields.size());
  }
  CronExpression c;
  c.has_seconds_ = fields.size() == 6;
  std::size_t i = 0;
  bool unused = false;
  if (c.has_seconds_) {
    if (auto e = parse_field(fields[i++], {"seconds", 0, 59, nullptr}, c.seconds_, unused))
      return *e;
  } else {
    c.seconds_.set(0);
  }
  if (auto e = parse_field(fields[i++], {"minutes", 0, 59, nullptr}, c.minutes_, unused)) return *e;
  if (auto e = parse_field(fields[i++], {"hours", 0, 23, nullptr}, c.hours_, unused)) return *e;
  if (auto e = parse_field(fields[i++], {"day-of-month", 1, 31, nullptr}, c.days_of_month_,
                           c.day_of_month_restricted_)) {
    return *e;
  }
  bool months_restricted = false;
  if (auto e =
          parse_field(fields[i++], {"month", 1, 12, &month_names}, c.months_, months_restricted)) {
    return *e;
  }
  if (auto e = parse_field(fields[i++], {"day-of-week", 0, 6, &weekday_names}, c.days_of_week_,
                           c.day_of_week_restricted_)) {
    return *e;
  }
  return c;
}

std::optional<SystemTime> CronExpression::next_after(SystemTime after) const {
  // Whole seconds from the one after `after`; each step skips the largest unit that cannot
  // match (a month, a day, an hour, a minute), so a search takes at most a few thousand steps.
  auto t = floor<seconds>(after) + seconds(1);
  const auto limit = t + years(10);
  while (t < limit) {
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const unsigned month = static_cast<unsigned>(ymd.month());
    if (!months_.test(month)) {
      const year_month next = year_month{ymd.year(), ymd.month()} + months(1);
      t = sys_days{next / 1};
      continue;
    }
    const bool dom = days_of_month_.test(static_cast<unsigned>(ymd.day()));
    const bool dow = days_of_week_.test(weekday{day}.c_encoding());
    bool day_matches;
    if (day_of_month_restricted_ && day_of_week_restricted_) {
      day_matches = dom || dow;
    } else {
      day_matches = dom && dow;  // an unrestricted field has every bit set
    }
    if (!day_matches) {
      t = day + days(1);
      continue;
    }
    const hh_mm_ss hms{t - day};
    if (!hours_.test(static_cast<std::size_t>(hms.hours().count()))) {
      t = day + hms.hours() + hours(1);
      continue;
    }
    if (!minutes_.test(static_cast<std::size_t>(hms.minutes().count()))) {
      t = day + hms.hours() + hms.minutes() + minutes(1);
      continue;
    }
    if (!seconds_.test(static_cast<std::size_t>(hms.seconds().count()))) {
      t += seconds(1);
      continue;
    }
    return time_point_cast<SystemTime::duration>(t);
  }
  return std::nullopt;
}

}  // namespace coqueue
