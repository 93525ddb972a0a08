#pragma once
// Every Redis key and channel coqueue uses, in one place (docs/redis-keys.md explains each).
// All keys of a queue carry the hash tag {<queue>}, so a queue lives in one Redis Cluster slot
// and every script touches one slot only. Queue names cannot contain braces.

#include <cstdint>
#include <string>
#include <string_view>

namespace coqueue::keys {

inline constexpr std::string_view prefix = "cq";

// Per queue, hash tag {queue}:
std::string pending(std::string_view queue);                              // LIST of due job ids
std::string processing(std::string_view queue, std::string_view worker);  // LIST, per worker
std::string scheduled(std::string_view queue);                            // ZSET id -> due ms
std::string dead(std::string_view queue);                                 // LIST of failed ids
std::string job(std::string_view queue, std::string_view id);             // HASH, the record
std::string job_prefix(std::string_view queue);                           // job(queue, "")
std::string counts(std::string_view queue);                               // HASH status -> n
std::string idempotency(std::string_view queue, std::string_view key);    // STRING -> job id
std::string workers(std::string_view queue);   // SET of workers that claimed from the queue
std::string sleepers(std::string_view queue);  // SET of workers waiting on their wake list
std::string paused(std::string_view queue);    // STRING, present while the queue is paused
std::string metrics(std::string_view queue);   // HASH of run and recovery counters (job_metrics)
std::string index(std::string_view queue);     // ZSET of every job id, score 0: by id, so by age
std::string expiring(std::string_view queue);  // ZSET id -> unix ms its hash expires

// Per worker, hash tag {worker}:
std::string wake(std::string_view worker);  // LIST a producer pushes to when it wakes a sleeper

// Global (no hash tag; never touched by a script):
std::string queues();                          // SET of queue names ever used
std::string queues_tagged(std::uint16_t tag);  // SET of the queue names of one id tag (job_id.hpp)
std::string worker_alive(std::string_view worker);  // STRING with a TTL, kept by heartbeats
std::string recoverer_lock();                       // STRING NX PX: one recoverer at a time
std::string types();      // HASH job type -> unix ms of its last advertisement by a worker
std::string schedules();  // ZSET schedule name -> unix ms of its next tick (a hint: see below)

// Per schedule, hash tag {schedule}:
std::string schedule(std::string_view name);  // HASH: the definition and its ticks

// Pub/sub channels:
std::string done_channel(std::string_view queue);     // a job of the queue reached an end
std::string done_pattern();                           // every queue's done channel
std::string changed_channel(std::string_view queue);  // a job of the queue changed, not ended
std::string changed_pattern();                        // every queue's changed channel
std::string cancel_channel();                         // a running job was asked to stop

// The queue name inside a done (or changed) channel name, or empty when it is not one.
std::string_view queue_of_done_channel(std::string_view channel);
std::string_view queue_of_changed_channel(std::string_view channel);

}  // namespace coqueue::keys
