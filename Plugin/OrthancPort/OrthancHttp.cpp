#include "OrthancHttp.h"

namespace OrthancCors
{
  HttpHeaders ToHttpHeaders(uint32_t count, const char* const* keys, const char* const* values)
  {
    HttpHeaders headers;
    headers.reserve(count);
    for (uint32_t i = 0; i < count; i++)
    {
      headers.push_back({ keys[i], values[i] });
    }
    return headers;
  }

  HttpHeaders ToHttpHeaders(const OrthancPluginHttpRequest& request)
  {
    return ToHttpHeaders(request.headersCount, request.headersKeys, request.headersValues);
  }

  const char* GetMethodName(OrthancPluginHttpMethod method)
  {
    switch (method)
    {
      case OrthancPluginHttpMethod_Get:
        return "GET";
      case OrthancPluginHttpMethod_Post:
        return "POST";
      case OrthancPluginHttpMethod_Put:
        return "PUT";
      case OrthancPluginHttpMethod_Delete:
        return "DELETE";
      default:
        return "UNKNOWN";
    }
  }

  void AnswerWithHeaders(OrthancPluginContext* context,
                         OrthancPluginRestOutput* output,
                         int status,
                         const HttpHeaders& headers,
                         const std::string& body,
                         const std::string& defaultContentType)
  {
    std::string contentType = defaultContentType;
    for (const HttpHeader& header : headers)
    {
      // Orthanc writes Content-Type and Content-Length itself.
      if (EqualsIgnoringCase(header.name, "content-type"))
      {
        contentType = header.value;
      }
      else if (!EqualsIgnoringCase(header.name, "content-length"))
      {
        OrthancPluginSetHttpHeader(context, output, header.name.c_str(), header.value.c_str());
      }
    }

    if (status == 405)
    {
      OrthancPluginSendMethodNotAllowed(context, output, "GET,HEAD");
    }
    else if (status == 200)
    {
      OrthancPluginAnswerBuffer(context, output, body.data(), static_cast<uint32_t>(body.size()), contentType.c_str());
    }
    else if (body.empty())
    {
      OrthancPluginSendHttpStatusCode(context, output, static_cast<uint16_t>(status));
    }
    else
    {
      OrthancPluginSendHttpStatus(context, output, static_cast<uint16_t>(status), body.data(),
                                  static_cast<uint32_t>(body.size()));
    }
  }
}
