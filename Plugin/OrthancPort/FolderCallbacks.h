#pragma once

#include <orthanc/OrthancCPlugin.h>

#include <string>

namespace OrthancCors
{
  // The REST route regex of a folder mounted at `prefix` ("/ohif/" -> "/ohif(/.*)?").
  std::string MakeFolderRouteRegex(const std::string& prefix);

  // REST callback serving every mounted folder on Orthanc's own port.
  OrthancPluginErrorCode ServeFolder(OrthancPluginRestOutput* output,
                                     const char* url,
                                     const OrthancPluginHttpRequest* request);
}
