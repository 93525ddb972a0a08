#include "core/support/command_line.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace coqueue {

CommandLine::CommandLine(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

void CommandLine::add(std::string name, std::string default_value, std::string help) {
  order_.push_back(name);
  std::string env = env_name(name);
  options_[std::move(name)] =
      Option{std::move(default_value), std::move(help), false, {}, std::move(env)};
}

void CommandLine::set_env(std::string_view name, std::string env) {
  if (const auto it = options_.find(name); it != options_.end()) it->second.env = std::move(env);
}

void CommandLine::add_switch(std::string name, std::string help) {
  order_.push_back(name);
  std::string env = env_name(name);
  options_[std::move(name)] = Option{"false", std::move(help), true, {}, std::move(env)};
}

std::string CommandLine::env_name(std::string_view option) {
  std::string env = "COQUEUE_";
  for (const char c : option) {
    env += c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return env;
}

std::optional<std::string> CommandLine::parse(int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return parse(args, process_environment());
}

CommandLine::EnvLookup CommandLine::process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str()); v != nullptr) return std::string(v);
    return std::nullopt;
  };
}

std::optional<int> CommandLine::parse_for_main(int argc, const char* const* argv) {
  if (auto error = parse(argc, argv)) {
    std::fprintf(stderr, "%s: %s\n", program_.c_str(), error->c_str());
    return 2;
  }
  if (help_) {
    std::fputs(help_text().c_str(), stdout);
    return 0;
  }
  return std::nullopt;
}

std::optional<std::string> CommandLine::parse(const std::vector<std::string>& args,
                                              const EnvLookup& env) {
  for (auto& [name, option] : options_) {
    if (auto v = env(option.env)) option.value = *v;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (!arg.starts_with("--")) return "unexpected argument '" + std::string(arg) + "'";
    arg.remove_prefix(2);
    std::optional<std::string> inline_value;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      inline_value = std::string(arg.substr(eq + 1));
      arg = arg.substr(0, eq);
    }
    const auto it = options_.find(arg);
    if (it == options_.end()) return "unknown option '--" + std::string(arg) + "' (see --help)";
    Option& option = it->second;
    if (option.is_switch) {
      option.value = inline_value.value_or("true");
      if (*option.value != "true" && *option.value != "false") {
        return "option '--" + std::string(arg) + "' takes true or false";
      }
    } else if (inline_value) {
      option.value = *inline_value;
    } else if (i + 1 < args.size()) {
      option.value = args[++i];
    } else {
      return "option '--" + std::string(arg) + "' needs a value";
    }
  }
  return std::nullopt;
}

const std::string& CommandLine::get(std::string_view name) const {
  const auto it = options_.find(name);
  if (it == options_.end()) throw std::logic_error("undeclared option " + std::string(name));
  return it->second.value ? *it->second.value : it->second.default_value;
}

bool CommandLine::is_set(std::string_view name) const {
  const auto it = options_.find(name);
  return it != options_.end() && it->second.value.has_value();
}

std::string CommandLine::help_text() const {
  std::string out = "Usage: " + program_ + " [options]\n\n" + summary_ + "\n\nOptions:\n";
  for (const std::string& name : order_) {
    const Option& o = options_.find(name)->second;
    std::string left = "  --" + name + (o.is_switch ? "" : " <value>");
    if (left.size() < 30) left.resize(30, ' ');
    out += left + " " + o.help;
    if (!o.is_switch && !o.default_value.empty()) out += " (default: " + o.default_value + ")";
    out += "\n" + std::string(31, ' ') + "env " + o.env + "\n";
  }
  out += "  --help                       show this help and exit\n";
  return out;
}

}  // namespace coqueue
