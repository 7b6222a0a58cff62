// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <string>
#include <string_view>

namespace OrthancCors
{
  // The spelling the orthancteam Docker image gives to `key` when it comes from an
  // environment variable. The image turns each "_"-separated word of the variable into
  // its first letter followed by the rest in lower case (orthanc-builder's
  // envVarToCamelCase), and a deployer writes a run of capitals as one word, as the
  // image's own variables do (ORTHANC__CASE_SENSITIVE_PN): so ORTHANC__CORS__GENERATE_ETAG
  // gives "GenerateEtag". That is `key` with every capital that follows another capital
  // in lower case; a key without two capitals in a row is its own spelling. The image
  // fixes such keys of Orthanc and of its own plugins with a list of exceptions, which
  // a plugin cannot add to: the configuration accepts this spelling as the key itself.
  std::string GetEnvironmentSpelling(std::string_view key);
}
