// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ErrorResponses.h"

#include <json/value.h>
#include <json/writer.h>

namespace OrthancCors
{
  std::string_view GetReasonPhrase(int status)
  {
    switch (status)
    {
      case 400: return "Bad Request";
      case 401: return "Unauthorized";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 405: return "Method Not Allowed";
      case 408: return "Request Timeout";
      case 417: return "Expectation Failed";
      case 431: return "Request Header Fields Too Large";
      case 500: return "Internal Server Error";
      case 501: return "Not Implemented";
      case 502: return "Bad Gateway";
      case 503: return "Service Unavailable";
      case 504: return "Gateway Timeout";
      case 505: return "HTTP Version Not Supported";
      default: return "Error";
    }
  }


  std::string BuildErrorBody(int status, std::string_view details)
  {
    Json::Value body(Json::objectValue);
    body["Error"] = std::string(GetReasonPhrase(status));
    body["Details"] = std::string(details);

    Json::StreamWriterBuilder builder;
    builder["indentation"] = "";
    return Json::writeString(builder, body) + "\n";
  }


  LocalResponse MakeErrorResponse(int status, std::string_view details)
  {
    LocalResponse response;
    response.status = status;
    response.headers.push_back(HttpHeader{"Content-Type", "application/json; charset=utf-8"});
    response.body = BuildErrorBody(status, details);
    return response;
  }
}
