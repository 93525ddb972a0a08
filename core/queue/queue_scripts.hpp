#pragma once
// The queue's Lua scripts, one state transition each. Their source is core/queue/scripts/*.lua,
// compiled into the binary at build time; each file's header names its KEYS, ARGV and returns.

#include <string_view>

namespace coqueue::scripts {

extern const std::string_view enqueue_lua;
extern const std::string_view take_lua;
extern const std::string_view activate_lua;
extern const std::string_view release_lua;
extern const std::string_view complete_lua;
extern const std::string_view fail_lua;
extern const std::string_view cancel_lua;
extern const std::string_view promote_lua;
extern const std::string_view extend_lua;
extern const std::string_view recover_lua;
extern const std::string_view hand_back_lua;
extern const std::string_view requeue_dead_lua;
extern const std::string_view purge_dead_lua;
extern const std::string_view progress_lua;
extern const std::string_view list_jobs_lua;
extern const std::string_view sweep_index_lua;
extern const std::string_view advance_schedule_lua;

}  // namespace coqueue::scripts
