#include "core/support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/json/parse.hpp>

namespace coqueue {

ChildProcess::ChildProcess(std::string program, std::vector<std::string> args,
                           std::string output_path) {
  int fd = -1;
  if (output_path.empty()) {
    char path_template[] = "/tmp/coqueue-test-XXXXXX";
    fd = ::mkstemp(path_template);
    output_path_ = path_template;
    temporary_output_ = true;
  } else {
    fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    output_path_ = std::move(output_path);
  }
  if (fd < 0) throw std::runtime_error("cannot open " + output_path_);

  std::vector<char*> argv;
  argv.push_back(program.data());
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Die with the test: a test that crashes must not leave servers behind.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The child starts with every signal delivered and handled by default, whatever its
    // parent blocked or ignored (exec keeps both), so SIGTERM stops it gracefully.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT}) ::signal(sig, SIG_DFL);
    // Its own process group: a Ctrl-C at the terminal goes to the parent, which stops its
    // children in order, by PID (and the kernel still kills them if the parent dies).
    ::setpgid(0, 0);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fd);
}

ChildProcess::~ChildProcess() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait_exit(std::chrono::seconds(5));
  }
  if (temporary_output_ && std::getenv("COQUEUE_KEEP_TEST_LOGS") == nullptr) {
    ::unlink(output_path_.c_str());
  }
}

std::string ChildProcess::output() const {
  std::ifstream in(output_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::string> ChildProcess::wait_for_line(const std::string& needle,
                                                       std::chrono::milliseconds timeout) const {
  const auto until = std::chrono::steady_clock::now() + timeout;
  do {
    std::istringstream lines(output());
    for (std::string line; std::getline(lines, line);) {
      if (line.find(needle) != std::string::npos) return line;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < until);
  return std::nullopt;
}

void ChildProcess::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_status_) return exit_status_;
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_status_;
    }
    if (r < 0 || std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool ChildProcess::running() {
  if (exit_status_ || pid_ <= 0) return false;
  return !wait_exit(std::chrono::milliseconds(0)).has_value();
}

std::vector<boost::json::object> ChildProcess::events(const std::string& event) const {
  const std::string needle = "\"event\":\"" + event + "\"";
  std::istringstream lines(output());
  std::vector<boost::json::object> out;
  for (std::string line; std::getline(lines, line);) {
    if (line.find(needle) == std::string::npos) continue;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (!ec && v.is_object()) out.push_back(std::move(v.as_object()));
  }
  return out;
}

}  // namespace coqueue
