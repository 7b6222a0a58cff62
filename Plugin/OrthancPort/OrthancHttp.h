#pragma once

#include "../Policy/HttpHeaders.h"

#include <orthanc/OrthancCPlugin.h>

#include <string>

namespace OrthancCors
{
  // Conversions between Orthanc's C request structures and the SDK-free types.
  HttpHeaders ToHttpHeaders(uint32_t count, const char* const* keys, const char* const* values);
  HttpHeaders ToHttpHeaders(const OrthancPluginHttpRequest& request);
  const char* GetMethodName(OrthancPluginHttpMethod method);

  // Rebuilds "path?query" from Orthanc's parsed GET arguments (for callbacks,
  // which do not receive the raw request target).
  std::string GetRequestTarget(const char* url, const OrthancPluginHttpRequest& request);

  // Sends a status with a JSON or text body and the given extra headers.
  void AnswerWithHeaders(OrthancPluginContext* context,
                         OrthancPluginRestOutput* output,
                         int status,
                         const HttpHeaders& headers,
                         const std::string& body,
                         const std::string& defaultContentType);
}
