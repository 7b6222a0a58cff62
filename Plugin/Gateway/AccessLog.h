// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/Logger.h"
#include "../Common/Metrics.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace OrthancCors
{
  // The gateway's access log file (Cors.Gateway.AccessLog). Workers hand it
  // whole lines, which a thread of its own appends to the file in batches,
  // within WRITE_INTERVAL: no worker ever waits on the disk. What waits is
  // bounded (MAX_PENDING_BYTES); beyond it, lines are dropped and counted (and
  // said in Orthanc's log) rather than slowing the gateway down. The file is opened with O_APPEND, so that a
  // truncation (logrotate's copytruncate) needs nothing; once a second the
  // writer checks whether the path still leads to the open file, and reopens
  // it when it was moved or removed (logrotate's default), with no signal.
  class AccessLog
  {
  public:
    static constexpr std::size_t MAX_PENDING_BYTES = 16 * 1024 * 1024;

    // The writer wakes up this often, or as soon as this much waits: not once a
    // line, which would cost a wake-up (a system call, a context switch) per request.
    static constexpr std::chrono::milliseconds WRITE_INTERVAL{100};
    static constexpr std::size_t WRITE_THRESHOLD_BYTES = 64 * 1024;

    // Opens (creates, mode 0640) the file; throws std::runtime_error naming
    // Cors.Gateway.AccessLog when it cannot. Starts the writing thread.
    AccessLog(const std::string& path, MetricCounter& droppedLines, ILogger& logger,
              std::chrono::milliseconds rotationCheckInterval = std::chrono::milliseconds(1000));

    // Writes what is pending, then closes.
    ~AccessLog();

    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    // Thread-safe; takes the mutex only to append to the pending buffer.
    void Write(const std::string& line);

    // Waits until every line written before the call is in the file (tests, shutdown).
    void Flush();

  private:
    void Run();
    void Append(const std::string& data);
    void ReopenIfMoved();
    void ReportDropped();

    const std::string path_;
    MetricCounter& droppedLines_;
    ILogger& logger_;
    const std::chrono::milliseconds rotationCheckInterval_;
    int file_ = -1;                   // the writer's only, after construction
    uint64_t droppedReported_ = 0;
    bool writeErrorReported_ = false;    // each said once until it works again
    bool reopenErrorReported_ = false;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable written_;
    std::string pending_;
    uint64_t queuedBatches_ = 0;      // Write() calls accepted
    uint64_t writtenBatches_ = 0;     // of which the writer is done with
    bool stopping_ = false;
    bool flushRequested_ = false;
    std::thread thread_;
  };
}
