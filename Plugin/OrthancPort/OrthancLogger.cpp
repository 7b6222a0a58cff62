// SPDX-License-Identifier: AGPL-3.0-or-later

#include "OrthancLogger.h"

namespace OrthancCors
{
  void OrthancLogger::Info(const std::string& message)
  {
    OrthancPluginLogInfo(context_, message.c_str());
  }

  void OrthancLogger::Warning(const std::string& message)
  {
    OrthancPluginLogWarning(context_, message.c_str());
  }

  void OrthancLogger::Error(const std::string& message)
  {
    OrthancPluginLogError(context_, message.c_str());
  }
}
