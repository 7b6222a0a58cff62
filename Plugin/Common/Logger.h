// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <string>

namespace OrthancCors
{
  // Where the SDK-free modules write their log lines. The plugin layer implements
  // it with Orthanc's log; unit tests with a recorder. Must be thread-safe.
  class ILogger
  {
  public:
    virtual ~ILogger() = default;
    virtual void Info(const std::string& message) = 0;
    virtual void Warning(const std::string& message) = 0;
    virtual void Error(const std::string& message) = 0;
  };
}
