#pragma once
// Numbers and text as the capacity reports print them: a few significant digits, a dash for a
// value that is not a number, and escaping for HTML and SVG.

#include <string>
#include <string_view>
#include <vector>

namespace coqueue::loadtest {

// Rounds to 3 decimals, or to 3 significant digits below 1 so small costs keep their meaning.
// A value that is not finite comes back unchanged; callers decide how to show it.
double round_for_report(double v);

// `digits` significant digits without an exponent, trailing zeros dropped: 1234.7 -> "1235",
// 12.345 -> "12.3", 0.01234 -> "0.0123". "–" when not finite.
std::string format_sig(double v, int digits = 3);

// printf into a string, for sentences with numbers in them (up to three doubles).
std::string format_printf(const char* fmt, double a, double b = 0, double c = 0);

// Fixed decimals; "–" when not finite.
std::string format_fixed(double v, int decimals);

// A fraction as a whole percentage: 0.254 -> "25%".
std::string format_fraction_percent(double fraction);

std::string escape_html(std::string_view text);

std::string join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace coqueue::loadtest
