#include "core/support/time.hpp"

namespace coqueue {

std::int64_t unix_millis(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string format_rfc3339(SystemTime t) {
  // Digits written by hand from the civil date (std::chrono's calendar): a job record has up to
  // four times and every response formats them, so no gmtime_r and no printf here.
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> time{ms - day};
  const auto put = [](std::string& out, std::size_t at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  std::string out;
  out.reserve(24);
  const int y = static_cast<int>(date.year());
  if (y >= 0 && y <= 9999) {
    out = "0000";
    put(out, 0, static_cast<unsigned>(y), 4);
  } else {
    out = std::to_string(y);  // not a time a job has; written as it is
  }
  out += "-00-00T00:00:00.000Z";
  const std::size_t at = out.size() - 20;  // the first '-'
  put(out, at + 1, static_cast<unsigned>(date.month()), 2);
  put(out, at + 4, static_cast<unsigned>(date.day()), 2);
  put(out, at + 7, static_cast<unsigned>(time.hours().count()), 2);
  put(out, at + 10, static_cast<unsigned>(time.minutes().count()), 2);
  put(out, at + 13, static_cast<unsigned>(time.seconds().count()), 2);
  put(out, at + 16, static_cast<unsigned>(time.subseconds().count()), 3);
  return out;
}

}  // namespace coqueue
