// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/Logger.h"

#include <orthanc/OrthancCPlugin.h>

namespace OrthancCors
{
  // ILogger over Orthanc's log. Orthanc's log functions are thread-safe.
  class OrthancLogger : public ILogger
  {
  public:
    explicit OrthancLogger(OrthancPluginContext* context) : context_(context) {}

    void Info(const std::string& message) override;
    void Warning(const std::string& message) override;
    void Error(const std::string& message) override;

  private:
    OrthancPluginContext* context_;
  };
}
