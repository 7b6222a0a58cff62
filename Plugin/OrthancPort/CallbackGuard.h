// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/ExceptionBarrier.h"

#include <orthanc/OrthancCPlugin.h>

namespace OrthancCors
{
  // Logs why a REST callback failed, with its method and URI, and answers 500
  // when nothing was answered yet.
  OrthancPluginErrorCode AnswerCallbackFailure(OrthancPluginRestOutput* output,
                                               const char* url,
                                               const OrthancPluginHttpRequest* request,
                                               const char* what);

  // Every REST callback is registered through this: no C++ exception reaches
  // Orthanc, whatever the callback meets (a file that vanishes or is cut short
  // while it is read, an allocation that fails); the request gets a 500 and the
  // next one is served as usual.
  template <OrthancPluginRestCallback Callback>
  OrthancPluginErrorCode GuardedRestCallback(OrthancPluginRestOutput* output,
                                             const char* url,
                                             const OrthancPluginHttpRequest* request) noexcept
  {
    return CallWithoutThrowing(OrthancPluginErrorCode_InternalError,
                               [&] { return Callback(output, url, request); },
                               [&](const char* what) { return AnswerCallbackFailure(output, url, request, what); });
  }
}
