#pragma once
// A deployment on loopback, started and stopped by the load test (and by coqueue-launch): a
// private redis-server unless one is given, S coqueue-server processes and W coqueue-worker
// processes. Every process is stopped by its PID when the deployment goes, and dies with its
// parent if the parent is killed.

#include <memory>
#include <string>
#include <vector>

#include "core/support/child_process.hpp"
#include "loadtest/resource_sampler.hpp"

namespace coqueue::loadtest {

struct DeploymentPlan {
  std::string server_bin;
  std::string worker_bin;
  std::string redis_bin = "redis-server";
  std::string redis_url;  // empty: start a private redis-server on a free loopback port
  int servers = 1;
  // Where servers listen. Port 0: each its own free port. A fixed port is shared by all the
  // servers (SO_REUSEPORT), so the kernel spreads connections over them.
  std::string listen = "127.0.0.1:0";
  int worker_concurrency = 16;
  std::vector<std::string> server_args;  // passed as they are
  std::vector<std::string> worker_args;
  std::string log_dir;  // each process's output goes to <log_dir>/<name>.log
};

class Deployment {
 public:
  // Starts Redis (unless given) and the servers and waits until each is ready; throws with the
  // process's log when one does not come up.
  explicit Deployment(DeploymentPlan plan);
  ~Deployment();
  Deployment(const Deployment&) = delete;
  Deployment& operator=(const Deployment&) = delete;

  // Stops the running workers (SIGTERM: they finish or hand back their jobs) and starts `count`
  // new ones, each under a new id, and waits until every one has registered.
  void set_workers(int count);

  const std::vector<std::string>& server_urls() const { return server_urls_; }
  const std::string& redis_url() const { return redis_url_; }
  // Every running process with its role and PID (Redis only when started here).
  std::vector<ProcessRef> processes() const;
  // A process that exited while it should be running, described; empty when all are up.
  std::string casualty();

  void stop();  // everything, by PID: SIGTERM, a grace period, then SIGKILL

 private:
  struct Member {
    ProcessRef ref;
    std::unique_ptr<ChildProcess> process;
  };
  Member start(const std::string& role, const std::string& name, const std::string& program,
               std::vector<std::string> args);
  void start_redis();
  void stop_members(std::vector<Member>& members, std::chrono::milliseconds grace);

  DeploymentPlan plan_;
  std::string redis_url_;
  std::vector<std::string> server_urls_;
  std::vector<Member> redis_;
  std::vector<Member> servers_;
  std::vector<Member> workers_;
  int worker_generation_ = 0;
};

// Where coqueue-server or coqueue-worker is: beside this executable, in the build tree's
// sibling folder, then on PATH. Empty when not found.
std::string find_sibling_program(const std::string& name, const std::string& build_folder);
// The program an option names (`given`), or when it names none coqueue-`role` as
// find_sibling_program finds it (role: "server" or "worker"); empty when not found.
std::string coqueue_program(const std::string& given, const std::string& role);
// `name` as found on PATH (or as it is, when it holds a '/'); empty when not there.
std::string find_on_path(const std::string& name);

}  // namespace coqueue::loadtest
