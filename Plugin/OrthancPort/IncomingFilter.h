// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <orthanc/OrthancCPlugin.h>

namespace OrthancCors
{
  // Orthanc's incoming-HTTP filter: refuses (403) unsafe requests from foreign
  // origins on Orthanc's own port. Runs on several threads at once.
  int32_t FilterIncomingRequest(OrthancPluginHttpMethod method,
                                const char* uri,
                                const char* ip,
                                uint32_t headersCount,
                                const char* const* headersKeys,
                                const char* const* headersValues,
                                uint32_t getArgumentsCount,
                                const char* const* getArgumentsKeys,
                                const char* const* getArgumentsValues);
}
