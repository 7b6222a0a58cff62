// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace OrthancCors
{
  // Keeps a repeated log line from flooding Orthanc's log (an unreachable or
  // refusing Orthanc fails every relayed request): the first line passes at once,
  // then at most one per interval, telling how many were held back meanwhile.
  // Thread-safe: the gateway's worker threads share one.
  class LogThrottle
  {
  public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    explicit LogThrottle(std::chrono::steady_clock::duration interval,
                         Clock clock = [] { return std::chrono::steady_clock::now(); });

    // The line to write now (`message`, with the count of lines held back since
    // the last one written), or nothing: this one is held back.
    std::optional<std::string> Admit(const std::string& message);

  private:
    const std::chrono::steady_clock::duration interval_;
    const Clock clock_;
    std::mutex mutex_;
    std::optional<std::chrono::steady_clock::time_point> lastWritten_;
    std::size_t heldBack_ = 0;
  };
}
