#include "server/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace coqueue::server {
namespace {

std::string format_bound(double bound) {
  char buf[32];
  // Fixed notation ("0.0005", not "5e-04"), as Prometheus's own clients write bounds.
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, bound, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

// Backslash and newline are escaped everywhere; double quotes only in label values.
void append_escaped(std::string& out, std::string_view text, bool quotes) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quotes && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

}  // namespace

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusText::labels(const Labels& labels, std::string_view extra_name,
                            std::string_view extra_value) {
  if (labels.empty() && extra_name.empty()) return;
  out_ += '{';
  bool first = true;
  const auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out_ += ',';
    first = false;
    out_ += name;
    out_ += "=\"";
    append_escaped(out_, value, true);
    out_ += '"';
  };
  for (const auto& [name, value] : labels) one(name, value);
  if (!extra_name.empty()) one(extra_name, extra_value);
  out_ += '}';
}

void PrometheusText::number(double value) {
  if (std::isnan(value)) {
    out_ += "NaN";
  } else if (std::isinf(value)) {
    out_ += value > 0 ? "+Inf" : "-Inf";
  } else if (value == std::floor(value) && std::abs(value) < 1e15) {
    out_ += std::to_string(static_cast<long long>(value));
  } else {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, ec == std::errc() ? end : buf);
  }
}

void PrometheusText::sample(std::string_view name, const Labels& l, double value) {
  out_ += name;
  labels(l);
  out_ += ' ';
  number(value);
  out_ += '\n';
}

void PrometheusText::histogram(std::string_view name, const Labels& l,
                               const std::vector<double>& bounds,
                               const std::vector<std::uint64_t>& buckets, double sum,
                               std::uint64_t count) {
  const std::string bucket_name = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    if (i < buckets.size()) cumulative += buckets[i];
    out_ += bucket_name;
    labels(l, "le", i < bounds.size() ? format_bound(bounds[i]) : "+Inf");
    out_ += ' ';
    // The +Inf bucket is the count itself, even if a bucket was lost on the way.
    number(static_cast<double>(i < bounds.size() ? cumulative : count));
    out_ += '\n';
  }
  sample(std::string(name) + "_sum", l, sum);
  sample(std::string(name) + "_count", l, static_cast<double>(count));
}

}  // namespace coqueue::server
