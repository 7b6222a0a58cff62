// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <orthanc/OrthancCPlugin.h>

namespace OrthancCors
{
  // GET /cors/policy: the effective policy and settings, as JSON.
  OrthancPluginErrorCode AnswerPolicy(OrthancPluginRestOutput* output,
                                      const char* url,
                                      const OrthancPluginHttpRequest* request);

  // POST /cors/check: would a browser on this origin be allowed this request, and why not.
  OrthancPluginErrorCode AnswerCheck(OrthancPluginRestOutput* output,
                                     const char* url,
                                     const OrthancPluginHttpRequest* request);
}
