// SPDX-License-Identifier: AGPL-3.0-or-later

#include "LogThrottle.h"

namespace OrthancCors
{
  LogThrottle::LogThrottle(std::chrono::steady_clock::duration interval, Clock clock) :
    interval_(interval),
    clock_(std::move(clock))
  {
  }


  std::optional<std::string> LogThrottle::Admit(const std::string& message)
  {
    const auto now = clock_();
    std::size_t heldBack = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (lastWritten_ && now - *lastWritten_ < interval_)
      {
        heldBack_++;
        return std::nullopt;
      }
      lastWritten_ = now;
      heldBack = heldBack_;
      heldBack_ = 0;
    }

    if (heldBack == 0)
    {
      return message;
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(interval_).count();
    return message + " (and " + std::to_string(heldBack) + " similar line" + (heldBack == 1 ? "" : "s") +
      " held back; at most one per " + std::to_string(seconds) + " s)";
  }
}
