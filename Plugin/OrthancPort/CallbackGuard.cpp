// SPDX-License-Identifier: AGPL-3.0-or-later

#include "CallbackGuard.h"

#include "CorsPlugin.h"
#include "OrthancHttp.h"

#include <string>

namespace OrthancCors
{
  OrthancPluginErrorCode AnswerCallbackFailure(OrthancPluginRestOutput* output,
                                               const char* url,
                                               const OrthancPluginHttpRequest* request,
                                               const char* what)
  {
    CorsPlugin& plugin = CorsPlugin::Get();
    plugin.GetLogger().Error(std::string("Cors: ") + GetMethodName(request->method) + " " + url +
                             " failed, answered 500: " + what);
    // Refused by Orthanc (and logged by it) when the callback had begun answering.
    static const std::string message = "Internal error in the Cors plugin (see Orthanc's log)\n";
    OrthancPluginSendHttpStatus(plugin.GetContext(), output, 500, message.data(),
                                static_cast<uint32_t>(message.size()));
    return OrthancPluginErrorCode_Success;
  }
}
