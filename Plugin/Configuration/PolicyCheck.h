#pragma once

#include "Configuration.h"

#include <json/value.h>

namespace OrthancCors
{
  // Answers "would a browser on this origin be allowed to make this request?",
  // for POST /cors/check. `query` is
  //   { "Origin": "https://viewer.example", "Method": "GET", "Path": "/dicom-web/studies",
  //     "Headers": [ "Authorization" ] or "authorization, accept", "Credentials": false }
  // where Headers are the non-safelisted request headers the page sets (those the
  // browser lists in Access-Control-Request-Headers). Throws std::invalid_argument
  // for a malformed query.
  Json::Value CheckBrowserRequest(const Configuration& configuration, const Json::Value& query);
}
