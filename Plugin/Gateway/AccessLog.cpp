// SPDX-License-Identifier: AGPL-3.0-or-later

#include "AccessLog.h"

#include "../Configuration/ConfigurationKeys.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace OrthancCors
{
  namespace
  {
    int OpenForAppending(const std::string& path)
    {
      return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    }
  }


  AccessLog::AccessLog(const std::string& path, MetricCounter& droppedLines, ILogger& logger,
                       std::chrono::milliseconds rotationCheckInterval) :
    path_(path),
    droppedLines_(droppedLines),
    logger_(logger),
    rotationCheckInterval_(rotationCheckInterval)
  {
    file_ = OpenForAppending(path_);
    if (file_ < 0)
    {
      throw std::runtime_error(ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::ACCESS_LOG) +
                               ": cannot open \"" + path_ + "\" for appending: " + std::strerror(errno));
    }
    thread_ = std::thread([this] { Run(); });
  }


  AccessLog::~AccessLog()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    ::close(file_);
  }


  void AccessLog::Write(const std::string& line)
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (pending_.size() + line.size() > MAX_PENDING_BYTES)
      {
        droppedLines_.Add();
        return;
      }
      const bool crossesThreshold = pending_.size() < WRITE_THRESHOLD_BYTES &&
        pending_.size() + line.size() >= WRITE_THRESHOLD_BYTES;
      pending_ += line;
      queuedBatches_++;
      if (!crossesThreshold)
      {
        return;   // written within WRITE_INTERVAL
      }
    }
    wake_.notify_one();
  }


  void AccessLog::Flush()
  {
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t target = queuedBatches_;
    flushRequested_ = true;
    wake_.notify_one();
    written_.wait(lock, [&] { return writtenBatches_ >= target; });
  }


  void AccessLog::Run()
  {
    std::string batch;
    auto nextRotationCheck = std::chrono::steady_clock::now() + rotationCheckInterval_;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;)
    {
      const auto wakeUp = std::min(nextRotationCheck, std::chrono::steady_clock::now() + WRITE_INTERVAL);
      wake_.wait_until(lock, wakeUp, [this]
      {
        return stopping_ || flushRequested_ || pending_.size() >= WRITE_THRESHOLD_BYTES;
      });
      flushRequested_ = false;
      batch.clear();
      batch.swap(pending_);
      const uint64_t batches = queuedBatches_;
      const bool stopping = stopping_;
      lock.unlock();

      if (std::chrono::steady_clock::now() >= nextRotationCheck)
      {
        ReopenIfMoved();
        ReportDropped();
        nextRotationCheck = std::chrono::steady_clock::now() + rotationCheckInterval_;
      }
      if (!batch.empty())
      {
        Append(batch);
      }

      lock.lock();
      writtenBatches_ = batches;
      written_.notify_all();
      if (stopping && pending_.empty())
      {
        break;
      }
    }
  }


  void AccessLog::Append(const std::string& data)
  {
    std::size_t done = 0;
    while (done < data.size())
    {
      const ssize_t written = ::write(file_, data.data() + done, data.size() - done);
      if (written < 0 && errno == EINTR)
      {
        continue;
      }
      if (written <= 0)
      {
        // A full disk: say it once (until a write succeeds again), lose the lines, go on.
        if (!writeErrorReported_)
        {
          writeErrorReported_ = true;
          logger_.Error("Cors gateway: cannot write the access log \"" + path_ + "\": " +
                        std::strerror(written < 0 ? errno : EIO) + "; its lines are lost until writing works again");
        }
        return;
      }
      done += static_cast<std::size_t>(written);
    }
    writeErrorReported_ = false;
  }


  void AccessLog::ReopenIfMoved()
  {
    struct stat atPath;
    struct stat open;
    const bool pathLeadsHere = ::stat(path_.c_str(), &atPath) == 0 && ::fstat(file_, &open) == 0 &&
      atPath.st_dev == open.st_dev && atPath.st_ino == open.st_ino;
    if (pathLeadsHere)
    {
      return;
    }
    const int reopened = OpenForAppending(path_);
    if (reopened < 0)
    {
      if (!reopenErrorReported_)
      {
        reopenErrorReported_ = true;
        logger_.Error("Cors gateway: the access log \"" + path_ + "\" was moved and cannot be created again: " +
                      std::strerror(errno) + "; writing on in the moved file");
      }
      return;
    }
    ::close(file_);
    file_ = reopened;
    reopenErrorReported_ = false;
  }


  void AccessLog::ReportDropped()
  {
    const uint64_t dropped = droppedLines_.Get();
    if (dropped != droppedReported_)
    {
      logger_.Warning("Cors gateway: " + std::to_string(dropped - droppedReported_) + " access log line(s) "
                      "dropped: the disk cannot keep up with the requests (" + path_ + ")");
      droppedReported_ = dropped;
    }
  }
}
