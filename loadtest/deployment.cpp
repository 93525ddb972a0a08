#include "loadtest/deployment.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <boost/json/parse.hpp>

namespace coqueue::loadtest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A port the kernel says is free now. Redis takes a port number, not a socket, so another
// process could take it in between; start_redis() tries again when that happens.
unsigned short free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("no free loopback port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// True when something on 127.0.0.1:port answers PING with +PONG.
bool redis_answers(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  timeval timeout{.tv_sec = 1, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::write(fd, "PING\r\n", 6) == 6) {
    char reply[8] = {};
    ok = ::read(fd, reply, sizeof reply) >= 5 && std::string_view(reply, 5) == "+PONG";
  }
  ::close(fd);
  return ok;
}

std::string tail(const ChildProcess& p) {
  std::string out = p.output();
  if (out.size() > 2000) out = "..." + out.substr(out.size() - 2000);
  return out;
}

}  // namespace

std::string find_sibling_program(const std::string& name, const std::string& build_folder) {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& candidate :
         {self.parent_path() / name, self.parent_path().parent_path() / build_folder / name}) {
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return find_on_path(name);
}

std::string find_on_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest(path);
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const fs::path candidate = fs::path(std::string(rest.substr(0, colon))) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
  }
  return {};
}

std::string coqueue_program(const std::string& given, const std::string& role) {
  return given.empty() ? find_sibling_program("coqueue-" + role, role) : given;
}

Deployment::Deployment(DeploymentPlan plan) : plan_(std::move(plan)) {
  fs::create_directories(plan_.log_dir);
  try {
    if (plan_.redis_url.empty()) {
      start_redis();
    } else {
      redis_url_ = plan_.redis_url;
    }
    for (int i = 1; i <= plan_.servers; ++i) {
      std::vector<std::string> args{"--backend",   "redis",      "--redis",      redis_url_,
                                    "--listen",    plan_.listen, "--log-format", "json",
                                    "--log-level", "info"};
      if (!plan_.listen.ends_with(":0")) args.push_back("--reuse-port");
      args.insert(args.end(), plan_.server_args.begin(), plan_.server_args.end());
      Member m = start("server", "server-" + std::to_string(i), plan_.server_bin, std::move(args));
      const auto line = m.process->wait_for_line("\"server.listening\"", 20s);
      if (!line) throw std::runtime_error(m.ref.name + " did not start:\n" + tail(*m.process));
      const auto port = boost::json::parse(*line).at("port").as_int64();
      server_urls_.push_back("http://127.0.0.1:" + std::to_string(port));
      servers_.push_back(std::move(m));
    }
  } catch (...) {
    stop();
    throw;
  }
}

Deployment::~Deployment() {
  stop();
}

Deployment::Member Deployment::start(const std::string& role, const std::string& name,
                                     const std::string& program, std::vector<std::string> args) {
  auto process =
      std::make_unique<ChildProcess>(program, std::move(args), plan_.log_dir + "/" + name + ".log");
  Member m{.ref = {.role = role, .name = name, .pid = process->pid()}, .process = nullptr};
  m.process = std::move(process);
  return m;
}

void Deployment::start_redis() {
  const std::string redis_bin = find_on_path(plan_.redis_bin);
  if (redis_bin.empty()) throw std::runtime_error(plan_.redis_bin + " is not on PATH");
  const std::string dir = plan_.log_dir + "/redis-data";
  fs::create_directories(dir);
  for (int attempt = 0; attempt < 5; ++attempt) {
    const unsigned short port = free_loopback_port();
    // No persistence: the load test measures the queue, and a private Redis dies with the run.
    Member m = start("redis", "redis", redis_bin,
                     {"--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "",
                      "--appendonly", "no", "--dir", dir, "--daemonize", "no"});
    for (int i = 0; i < 200 && m.process->running(); ++i) {
      if (redis_answers(port)) {
        redis_url_ = "redis://127.0.0.1:" + std::to_string(port);
        redis_.push_back(std::move(m));
        return;
      }
      std::this_thread::sleep_for(25ms);
    }
    if (attempt == 4) throw std::runtime_error("redis-server did not start:\n" + tail(*m.process));
    std::vector<Member> failed;
    failed.push_back(std::move(m));
    stop_members(failed, 1s);
  }
}

void Deployment::set_workers(int count) {
  stop_members(workers_, 15s);
  ++worker_generation_;
  for (int i = 1; i <= count; ++i) {
    const std::string name = "worker-" + std::to_string(i);
    // A new id per generation: a worker must not take the previous one's place and recover it.
    std::vector<std::string> args{
        "--redis",       redis_url_,
        "--concurrency", std::to_string(plan_.worker_concurrency),
        "--id",          "loadtest-g" + std::to_string(worker_generation_) + "-" + name,
        "--grace",       "10s",
        "--log-format",  "json",
        "--log-level",   "info"};
    args.insert(args.end(), plan_.worker_args.begin(), plan_.worker_args.end());
    workers_.push_back(start("worker", name, plan_.worker_bin, std::move(args)));
  }
  for (Member& m : workers_) {
    if (!m.process->wait_for_line("\"worker.started\"", 20s)) {
      throw std::runtime_error(m.ref.name + " did not start:\n" + tail(*m.process));
    }
  }
}

std::vector<ProcessRef> Deployment::processes() const {
  std::vector<ProcessRef> out;
  for (const auto* group : {&redis_, &servers_, &workers_}) {
    for (const Member& m : *group) out.push_back(m.ref);
  }
  return out;
}

std::string Deployment::casualty() {
  for (auto* group : {&redis_, &servers_, &workers_}) {
    for (Member& m : *group) {
      if (!m.process->running()) {
        return m.ref.name + " (pid " + std::to_string(m.ref.pid) + ") exited with status " +
               std::to_string(m.process->wait_exit(0ms).value_or(-1)) + "; its log is " +
               m.process->output_path();
      }
    }
  }
  return {};
}

void Deployment::stop_members(std::vector<Member>& members, std::chrono::milliseconds grace) {
  for (Member& m : members) m.process->signal(SIGTERM);
  for (Member& m : members) {
    if (!m.process->wait_exit(grace)) {
      m.process->signal(SIGKILL);
      m.process->wait_exit(5s);
    }
  }
  members.clear();
}

void Deployment::stop() {
  // Workers first (they hand back what they hold), then the servers, then Redis.
  stop_members(workers_, 15s);
  stop_members(servers_, 10s);
  stop_members(redis_, 5s);
  server_urls_.clear();
}

}  // namespace coqueue::loadtest
