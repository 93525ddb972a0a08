#include "loadtest/report_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace coqueue::loadtest {
namespace {

constexpr const char* not_a_number = "\u2013";  // an en dash, readable in every table

int decimals_for(double v, int digits) {
  if (v == 0) return 0;
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(v))));
  return std::clamp(digits - 1 - magnitude, 0, 9);
}

void trim_zeros(std::string& s) {
  if (s.find('.') == std::string::npos) return;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
}

}  // namespace

double round_for_report(double v) {
  if (!std::isfinite(v) || v == 0) return v;
  const int decimals = std::max(3, decimals_for(v, 3));
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(v * scale) / scale;
  return std::isfinite(rounded) ? rounded : v;  // a huge v overflows the scaling
}

std::string format_fixed(double v, int decimals) {
  if (!std::isfinite(v)) return not_a_number;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", std::clamp(decimals, 0, 9), v);
  std::string s = buf;
  // "-0.00" reads as a sign where there is none.
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string format_printf(const char* fmt, double a, double b, double c) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

std::string format_sig(double v, int digits) {
  if (!std::isfinite(v)) return not_a_number;
  std::string s = format_fixed(v, decimals_for(v, std::max(digits, 1)));
  trim_zeros(s);
  return s;
}

std::string format_fraction_percent(double fraction) {
  if (!std::isfinite(fraction)) return not_a_number;
  return format_fixed(fraction * 100, 0) + "%";
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

}  // namespace coqueue::loadtest
