// The Redis broker's job browser: each queue keeps an index of its job ids (a ZSET with score
// 0, so ordered by id, which is by age), written by enqueue.lua and trimmed as job hashes expire.

#include "core/queue/redis_broker.hpp"
#include "core/queue/redis_job_codec.hpp"
#include "core/queue/redis_keys.hpp"
#include "core/support/time.hpp"

namespace coqueue {

awaitable<JobPage> RedisBroker::list_jobs(JobFilter filter, std::size_t limit,
                                          std::optional<std::string> before) {
  std::vector<std::string> queues;
  if (filter.queue) {
    queues.push_back(*filter.queue);
  } else {
    redis::Request members;
    members.push("SMEMBERS", keys::queues());
    const redis::Replies names = co_await exec(std::move(members));
    for (const redis::RespValue& name : names.front().elements) queues.push_back(name.text);
  }

  const std::string status(filter.status ? to_string(*filter.status) : "");
  const std::string type = filter.type.value_or("");
  std::vector<QueuePage> pages;
  for (const std::string& q : queues) {
    std::vector<std::string> script_keys{keys::index(q)};
    std::vector<std::string> script_args{
        keys::job_prefix(q),  before.value_or(""), status, type, std::to_string(list_examine_limit),
        std::to_string(limit)};
    const redis::RespValue reply =
        co_await run_script(list_jobs_script_, std::move(script_keys), std::move(script_args));
    QueuePage page;
    if (reply.elements.empty()) continue;
    if (!reply.elements.front().text.empty()) page.examined_down_to = reply.elements.front().text;
    for (std::size_t i = 1; i < reply.elements.size(); ++i) {
      if (std::optional<Job> job = job_from_redis_hash(reply.elements[i])) {
        page.matches.push_back(std::move(*job));
      }
    }
    pages.push_back(std::move(page));
  }
  co_return merge_queue_pages(std::move(pages), limit);
}

awaitable<void> RedisBroker::sweep_indexes() {
  // Members per script call (each names up to a completion batch of ids): Redis serves others
  // in between.
  constexpr std::size_t batch = 100;
  redis::Request members;
  members.push("SMEMBERS", keys::queues());
  const redis::Replies names = co_await exec(std::move(members));
  const std::string now = std::to_string(unix_millis(std::chrono::system_clock::now()));
  for (const redis::RespValue& name : names.front().elements) {
    for (;;) {
      std::vector<std::string> script_keys{keys::index(name.text), keys::expiring(name.text)};
      std::vector<std::string> script_args{now, std::to_string(batch), keys::job_prefix(name.text)};
      const redis::RespValue swept =
          co_await run_script(sweep_index_script_, std::move(script_keys), std::move(script_args));
      if (swept.integer < static_cast<std::int64_t>(batch)) break;
    }
  }
}

}  // namespace coqueue
