#pragma once

#include "../Common/HttpHeaders.h"

#include <orthanc/OrthancCPlugin.h>

#include <string>

namespace OrthancCors
{
  // Conversions between Orthanc's C request structures and the SDK-free types.
  HttpHeaders ToHttpHeaders(uint32_t count, const char* const* keys, const char* const* values);
  HttpHeaders ToHttpHeaders(const OrthancPluginHttpRequest& request);
  const char* GetMethodName(OrthancPluginHttpMethod method);

  // Sends a status with a JSON or text body and the given extra headers.
  void AnswerWithHeaders(OrthancPluginContext* context,
                         OrthancPluginRestOutput* output,
                         int status,
                         const HttpHeaders& headers,
                         const std::string& body,
                         const std::string& defaultContentType);
}
