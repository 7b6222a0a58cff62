// SPDX-License-Identifier: AGPL-3.0-or-later

#include "OrthancHttp.h"

#include <json/value.h>

namespace OrthancCors
{
  OrthancAnswerWriting DetectAnswerWriting(OrthancPluginContext* context, const Json::Value& orthancConfiguration)
  {
    OrthancAnswerWriting writing;
    // Both changed in Orthanc 1.12.2.
    const bool since1_12_2 = OrthancPluginCheckVersionAdvanced(context, 1, 12, 2) != 0;
    writing.typesStatusBodiesAsText = since1_12_2;
    const Json::Value& compression = orthancConfiguration["HttpCompressionEnabled"];
    writing.compressesAnswers = compression.isBool() ? compression.asBool() : !since1_12_2;
    return writing;
  }

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
                         const OrthancAnswerWriting& writing,
                         int status,
                         const HttpHeaders& headers,
                         std::string_view body,
                         const std::string& defaultContentType)
  {
    std::string contentType = defaultContentType;
    bool isEncoded = false;
    for (const HttpHeader& header : headers)
    {
      // Orthanc writes Content-Length itself, and Content-Type when the answer goes
      // through OrthancPluginAnswerBuffer.
      if (EqualsIgnoringCase(header.name, "content-type"))
      {
        contentType = header.value;
      }
      else if (!EqualsIgnoringCase(header.name, "content-length"))
      {
        isEncoded = isEncoded || EqualsIgnoringCase(header.name, "content-encoding");
        OrthancPluginSetHttpHeader(context, output, header.name.c_str(), header.value.c_str());
      }
    }

    if (status == 405)
    {
      OrthancPluginSendMethodNotAllowed(context, output, "GET,HEAD");
    }
    else if (status == 200 && (!isEncoded || !writing.compressesAnswers))
    {
      // Orthanc may compress an unencoded body on the fly (gzip or deflate, as the
      // client accepts), adding Content-Encoding; an encoded one goes out as it is.
      OrthancPluginAnswerBuffer(context, output, body.data(), static_cast<uint32_t>(body.size()), contentType.c_str());
    }
    else if (body.empty())
    {
      OrthancPluginSendHttpStatusCode(context, output, static_cast<uint16_t>(status));
    }
    else
    {
      // OrthancPluginSendHttpStatus sends the bytes as they are, 200 included:
      // AnswerBuffer would gzip an already compressed body (a precompressed .br or
      // .gz sibling) a second time, with a second Content-Encoding field (measured
      // with Orthanc 1.10.1). An Orthanc that types such bodies itself only gets
      // here with the plain-text bodies of errors (CanSendEncodedBodies).
      if (!writing.typesStatusBodiesAsText)
      {
        OrthancPluginSetHttpHeader(context, output, "Content-Type", contentType.c_str());
      }
      OrthancPluginSendHttpStatus(context, output, static_cast<uint16_t>(status), body.data(),
                                  static_cast<uint32_t>(body.size()));
    }
  }
}
