#pragma once
// What complete.lua announces about a run that completed, beside the job's id on the done
// channel (docs/redis-keys.md): the fields the run changed, so a reader that knows the job
// otherwise (it submitted it, or read it before the end) makes the finished record without
// reading the job back. One line: "attempts started_at finished_at worker result", times in unix
// ms, the result JSON last. A run gets no note when the hash holds what a note does not cover.

#include <optional>
#include <string_view>

#include "core/job/job.hpp"

namespace coqueue {

// `known` (as submitted or as read before the end) finished as the note says: completed, with
// the run's attempts, times, worker and result; the fields a note is never sent beside (an
// earlier run's error, progress, a cancel request, a due time) cleared. Nothing when the note
// does not read.
std::optional<Job> finished_job(Job known, std::string_view note);

}  // namespace coqueue
