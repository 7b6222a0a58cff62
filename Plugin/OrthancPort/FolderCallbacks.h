// SPDX-License-Identifier: AGPL-3.0-or-later

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

  // GET /cors/folder-access/viewer/: the gateway's access probe for the folder at
  // "/viewer/" ("/cors/folder-access/" for "/"). Reaching this callback at all is
  // the answer: Orthanc's HTTP authentication and every incoming filter
  // (authorization plugins) let the request in, so the client that the gateway
  // speaks for may see the folder. 200 "{}" for a configured folder, 404 for
  // another path, 405 for another method.
  OrthancPluginErrorCode AnswerFolderAccess(OrthancPluginRestOutput* output,
                                            const char* url,
                                            const OrthancPluginHttpRequest* request);
}
