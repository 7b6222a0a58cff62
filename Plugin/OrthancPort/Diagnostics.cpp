// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Diagnostics.h"

#include "CorsPlugin.h"
#include "OrthancHttp.h"
#include "../Configuration/PolicyCheck.h"
#include "../Policy/ForeignOriginGuard.h"

#include <json/json.h>

#include <memory>

namespace OrthancCors
{
  namespace
  {
    void AnswerJson(OrthancPluginContext* context, OrthancPluginRestOutput* output, const Json::Value& value)
    {
      Json::StreamWriterBuilder builder;
      builder["indentation"] = "  ";
      const std::string text = Json::writeString(builder, value);
      OrthancPluginAnswerBuffer(context, output, text.data(), static_cast<uint32_t>(text.size()), "application/json");
    }

    // The diagnostics describe the whole policy (folder paths, certificate paths):
    // for the administrator, never for a page of another site, whatever
    // RejectForeignOrigins and Routes say. Returns true when it refused.
    bool RefuseForeignOrigin(CorsPlugin& plugin, OrthancPluginRestOutput* output,
                             const char* url, const OrthancPluginHttpRequest& request)
    {
      if (!HasForeignOrigin(ToHttpHeaders(request), plugin.GetConfiguration().upstream.sslEnabled))
      {
        return false;
      }
      const std::string message = std::string(url) + " answers same-origin requests only";
      plugin.GetLogger().Info("Cors: refused a request to " + message);
      OrthancPluginSendHttpStatus(plugin.GetContext(), output, 403, message.data(),
                                  static_cast<uint32_t>(message.size()));
      return true;
    }
  }

  OrthancPluginErrorCode AnswerPolicy(OrthancPluginRestOutput* output,
                                      const char* url,
                                      const OrthancPluginHttpRequest* request)
  {
    CorsPlugin& plugin = CorsPlugin::Get();
    if (RefuseForeignOrigin(plugin, output, url, *request))
    {
      return OrthancPluginErrorCode_Success;
    }
    if (request->method != OrthancPluginHttpMethod_Get)
    {
      OrthancPluginSendMethodNotAllowed(plugin.GetContext(), output, "GET");
      return OrthancPluginErrorCode_Success;
    }
    AnswerJson(plugin.GetContext(), output, DescribeConfiguration(plugin.GetConfiguration()));
    return OrthancPluginErrorCode_Success;
  }

  OrthancPluginErrorCode AnswerCheck(OrthancPluginRestOutput* output,
                                     const char* url,
                                     const OrthancPluginHttpRequest* request)
  {
    CorsPlugin& plugin = CorsPlugin::Get();
    if (RefuseForeignOrigin(plugin, output, url, *request))
    {
      return OrthancPluginErrorCode_Success;
    }
    OrthancPluginContext* context = plugin.GetContext();
    if (request->method != OrthancPluginHttpMethod_Post)
    {
      OrthancPluginSendMethodNotAllowed(context, output, "POST");
      return OrthancPluginErrorCode_Success;
    }

    Json::Value query;
    std::string error;
    Json::CharReaderBuilder builder;
    const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    const char* body = static_cast<const char*>(request->body);
    if (!reader->parse(body, body + request->bodySize, &query, &error))
    {
      const std::string message = "POST /cors/check: the body is not JSON: " + error;
      OrthancPluginSendHttpStatus(context, output, 400, message.data(), static_cast<uint32_t>(message.size()));
      return OrthancPluginErrorCode_Success;
    }

    try
    {
      AnswerJson(context, output, CheckBrowserRequest(plugin.GetConfiguration(), plugin.GetFolders(), query));
    }
    catch (const std::invalid_argument& e)
    {
      const std::string message = std::string("POST /cors/check: ") + e.what();
      OrthancPluginSendHttpStatus(context, output, 400, message.data(), static_cast<uint32_t>(message.size()));
    }
    return OrthancPluginErrorCode_Success;
  }
}
