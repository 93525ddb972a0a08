#pragma once
// Flags shared by every coqueue executable: `--name value` or `--name=value`, each also readable
// from the environment as COQUEUE_NAME (dashes become underscores). A flag beats the environment,
// which beats the default.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coqueue {

class CommandLine {
 public:
  using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

  CommandLine(std::string program, std::string summary);

  // An option that takes a value.
  void add(std::string name, std::string default_value, std::string help);
  // Reads the option from `env` rather than COQUEUE_<NAME> (a name users already know).
  void set_env(std::string_view name, std::string env);
  // A switch: present means true.
  void add_switch(std::string name, std::string help);

  // Returns an error message naming the problem, or nothing when the arguments are fine.
  std::optional<std::string> parse(int argc, const char* const* argv);
  std::optional<std::string> parse(const std::vector<std::string>& args, const EnvLookup& env);

  // What every main() does first: parse argv and the environment; on a bad argument print the
  // reason to stderr (exit code 2), on --help print the help to stdout (exit code 0). Nothing
  // when the program should go on.
  std::optional<int> parse_for_main(int argc, const char* const* argv);

  bool help_requested() const { return help_; }
  std::string help_text() const;

  const std::string& get(std::string_view name) const;
  bool is_set(std::string_view name) const;  // given by flag or environment, not defaulted

  static std::string env_name(std::string_view option);
  // Looks up the variables of this process's environment.
  static EnvLookup process_environment();

 private:
  struct Option {
    std::string default_value;
    std::string help;
    bool is_switch = false;
    std::optional<std::string> value;
    std::string env;  // the environment variable it is read from
  };

  std::string program_;
  std::string summary_;
  std::vector<std::string> order_;
  std::map<std::string, Option, std::less<>> options_;
  bool help_ = false;
};

}  // namespace coqueue
